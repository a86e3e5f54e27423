using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Hosting;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Otlp;
using Tollgate.Ingest.Api.Pipeline;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api;

public static class IngestServiceCollectionExtensions
{
    /// <summary>The OTLP receivers and the write pipeline behind them.</summary>
    public static IServiceCollection AddTollgateIngest(this IServiceCollection services, TollgateOptions options)
    {
        services.AddSingleton(new NormalisationLimits());
        services.AddSingleton<SpanNormaliser>();
        services.AddSingleton<SpanWriter>();
        services.AddSingleton<IngestPricer>();
        services.AddSingleton<SpanRateLimiter>();
        services.AddSingleton<IngestKeyStore>();
        var spool = options.Ingest.Spool;
        if (spool.Enabled)
        {
            services.AddSingleton(sp => Spool.Open(
                spool.DirectoryFor(options.Ingest.HttpPort), spool.MaxBytes, spool.SegmentBytes,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Spool>>()));
            services.AddSingleton(sp => new ReceiverSnapshot(
                spool.DirectoryFor(options.Ingest.HttpPort), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReceiverSnapshot>>()));
            services.AddSingleton<SpoolMetrics>();
            services.AddHostedService<SpoolReplayer>();
            services.AddHealthChecks().AddCheck<SpoolHealthCheck>("spool", tags: [SpoolHealthCheck.Tag]);
        }

        services.AddSingleton(sp =>
        {
            var startup = sp.GetRequiredService<DatabaseStartup>();
            return new WriteQueue(
                sp.GetRequiredService<SpanWriter>(),
                sp.GetRequiredService<ILogger<WriteQueue>>(),
                options.Ingest.QueueCapacitySpans,
                options.Ingest.MaxBatchSpans,
                spool.Enabled ? sp.GetRequiredService<Spool>() : null,
                () => startup.IsDone);
        });
        services.AddSingleton<DatabaseStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseStartup>());
        services.AddSingleton<TraceExport>();
        services.AddSingleton<Admission>();
        services.AddSingleton<OtlpReceiver>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, IngestKeyAuthentication>(IngestKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(IngestKeyAuthentication.Policy, p => p.AddAuthenticationSchemes(IngestKeyAuthentication.SchemeName).RequireAuthenticatedUser());
        services.AddGrpc().AddServiceOptions<OtlpGrpcService>(o =>
        {
            o.MaxReceiveMessageSize = (int)Math.Min(options.Ingest.MaxRequestBytes, int.MaxValue);
            o.CompressionProviders = [new GrpcGzip(options.Ingest.MaxRequestBytes)];
        });
        services.AddSingleton<OtlpGrpcService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcService>, OtlpGrpcMethods>());
        services.AddHostedService<PriceRefresher>();
        return services;
    }

    /// <summary>Maps the OTLP endpoints; each answers only on its own port.</summary>
    public static WebApplication MapTollgateIngest(this WebApplication app, TollgateOptions options)
    {
        app.MapOtlpHttp(options.Ingest.HttpPort, options.Ingest.MaxRequestBytes);
        // gRPC needs HTTP/2, which only the OTLP/gRPC port speaks.
        app.MapGrpcService<OtlpGrpcService>().RequireAuthorization(IngestKeyAuthentication.Policy);
        if (options.Ingest.Spool.Enabled)
        {
            // Opened now rather than at the first request: recovery reads every segment, and a
            // directory another receiver holds stops start-up with a message naming the setting.
            try
            {
                app.Services.GetRequiredService<SpoolMetrics>();
            }
            catch (Exception ex) when (ex is SpoolInUseException or IOException or UnauthorizedAccessException)
            {
                throw new TollgateConfigurationException([$"Tollgate:Ingest:Spool:Directory: {ex.Message}"]);
            }

            app.MapHealthChecks("/health/spool", new HealthCheckOptions
            {
                Predicate = c => c.Tags.Contains(SpoolHealthCheck.Tag),
                ResponseWriter = SpoolHealthCheck.WriteAsync,
            });
        }

        return app;
    }
}
