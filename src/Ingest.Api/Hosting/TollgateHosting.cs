using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Storage;

namespace Tollgate.Ingest.Api.Hosting;

/// <summary>Start-up pieces both Tollgate web processes share.</summary>
public static class TollgateHosting
{
    /// <summary>
    /// Binds the options and stops start-up with one message naming every key to fix.
    /// </summary>
    public static TollgateOptions LoadOptions(WebApplicationBuilder builder) =>
        TollgateOptionsLoader.Load(builder.Configuration);

    public static IPAddress ListenAddress(TollgateOptions options) =>
        options.ListenAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.ListenAddress);

    /// <summary>
    /// OTLP/HTTP gets a port of its own (HTTP/1.1 and h2 over TLS are not mixed with cleartext
    /// HTTP/2), and OTLP/gRPC a cleartext HTTP/2 port, as the specification's defaults do.
    /// </summary>
    public static void ListenForOtlp(KestrelServerOptions kestrel, TollgateOptions options)
    {
        var address = ListenAddress(options);
        kestrel.Listen(address, options.Ingest.HttpPort, l => l.Protocols = HttpProtocols.Http1);
        kestrel.Listen(address, options.Ingest.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
    }

    /// <summary>
    /// On the OTLP ports, only OTLP and the health checks answer: the web UI and REST API, which
    /// Kestrel would otherwise serve on every port, stay on the web port, so that firewalling it
    /// hides them. Routes are not scoped to ports, hence a check per request.
    /// </summary>
    public static void UseOtlpPortsForOtlpOnly(this WebApplication app, TollgateOptions options) => app.Use(async (context, next) =>
    {
        var port = context.Connection.LocalPort;
        var otlpPort = port == options.Ingest.HttpPort || port == options.Ingest.GrpcPort;
        if (otlpPort && port != options.HttpPort && !IsOtlpOrHealth(context.Request.Path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(context);
    });

    private static bool IsOtlpOrHealth(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/health")
        || path.Value?.StartsWith("/opentelemetry.proto.collector.", StringComparison.Ordinal) == true;

    /// <summary>Live: the process answers. Ready: the database answers with the expected schema.</summary>
    public static void MapTollgateHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
    }

    /// <summary>
    /// Schema, default project, partitions and bootstrap keys, before the first request; with an
    /// OTLP receiver in the process, its snapshot too. Fails when the database is unreachable.
    /// </summary>
    public static Task BootstrapAsync(this WebApplication app, CancellationToken cancellationToken = default) =>
        app.Services.GetService<DatabaseStartup>() is { } receiver
            ? receiver.RunAsync(deferWhenUnreachable: false, cancellationToken)
            : app.Services.GetRequiredService<Bootstrapper>().RunAsync(cancellationToken);

    /// <summary>Runs a built app, turning a configuration error into a message and exit code 2.</summary>
    public static async Task<int> RunAsync(Func<string[], Task<WebApplication>> build, string[] args)
    {
        WebApplication app;
        try
        {
            app = await build(args);
        }
        catch (TollgateConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        await app.RunAsync();
        return 0;
    }
}
