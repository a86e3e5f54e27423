using Tollgate.Analytics;
using Tollgate.Analytics.Telemetry;
using Tollgate.Ingest.Api.Hosting;

namespace Tollgate.Ingest.Api;

/// <summary>The standalone OTLP receiver, for running several behind a load balancer.</summary>
public static class IngestApp
{
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(IngestApp).Assembly.GetName().Name });
        var options = TollgateHosting.LoadOptions(builder);
        builder.WebHost.ConfigureKestrel(k => TollgateHosting.ListenForOtlp(k, options));
        builder.Services.AddTollgateAnalytics(options);
        builder.Services.AddTollgateIngest(options);
        builder.Services.AddTollgateSelfTelemetry(builder.Configuration, "tollgate-ingest");

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTollgateHealth();
        // Mapping opens the spool, which a start without the database needs first.
        app.MapTollgateIngest(options);
        await app.Services.GetRequiredService<DatabaseStartup>().RunAsync(deferWhenUnreachable: true, cancellationToken);
        return app;
    }
}
