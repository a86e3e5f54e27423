using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Keys;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;

namespace Tollgate.Analytics;

public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>Storage and domain services shared by every Tollgate process.</summary>
    public static IServiceCollection AddTollgateAnalytics(this IServiceCollection services, TollgateOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.Ingest);
        // A host may have registered its own clock first.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => NpgsqlDataSource.Create(options.ConnectionString));
        services.AddDbContext<TollgateDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<SpanPartitions>();
        services.AddHostedService<PartitionMaintenance>();
        services.AddSingleton<Bootstrapper>();
        services.AddSingleton<PriceStore>();
        services.AddSingleton<ProjectStore>();
        services.AddSingleton<KeyStore>();
        services.AddSingleton<CurrentPrices>();
        services.AddSingleton<RepricingService>();
        services.AddScoped<SpanQuery>();
        services.AddSingleton<Revenue.RevenueStore>();
        services.AddSingleton<Revenue.RevenueImports>();
        services.AddSingleton<AttributionRules.AttributionRuleStore>();
        services.AddSingleton<Rollups.IngestWatermark>();
        services.AddSingleton<Rollups.RollupService>();
        services.AddSingleton<Rollups.IHourlyRollup>(sp => sp.GetRequiredService<Rollups.RollupService>());
        services.AddSingleton<Rollups.IHourlyRollup>(sp => sp.GetRequiredService<Dependencies.DependencyRollup>());
        services.AddSingleton<Rollups.RollupRunner>();
        services.AddSingleton<Changes.DataChangeNotices>();
        services.AddSingleton<Metrics.SummaryQuery>();
        services.AddSingleton<Metrics.SpendQuery>();
        services.AddSingleton<Metrics.FeaturePnlQuery>();
        services.AddSingleton<Metrics.OrchestrationQuery>();
        services.AddTollgateInsights();
        services.AddSingleton<Anomalies.HourlyCostReader>();
        services.AddSingleton<Anomalies.AnomalyScanner>();
        services.AddSingleton<Anomalies.AnomalyQuery>();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }
}
