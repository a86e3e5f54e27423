using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Otlp;
using Tollgate.Ingest.Api.Pipeline;

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
        services.AddSingleton(sp => new WriteQueue(
            sp.GetRequiredService<SpanWriter>(),
            sp.GetRequiredService<ILogger<WriteQueue>>(),
            options.Ingest.QueueCapacitySpans,
            options.Ingest.MaxBatchSpans));
        services.AddSingleton<TraceExport>();
        services.AddSingleton<Admission>();
        services.AddSingleton<OtlpReceiver>();
        services.AddHostedService<PriceRefresher>();
        return services;
    }

    /// <summary>Maps the OTLP endpoints; each answers only on its own port.</summary>
    public static WebApplication MapTollgateIngest(this WebApplication app, TollgateOptions options)
    {
        app.MapOtlpHttp(options.Ingest.HttpPort, options.Ingest.MaxRequestBytes);
        app.MapOtlpGrpc(options.Ingest.GrpcPort, options.Ingest.MaxRequestBytes);
        return app;
    }
}
