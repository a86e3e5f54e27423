using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Benchmarks;
using Tollgate.Analytics.Dependencies;

namespace Tollgate.Analytics.Insights;

public static class InsightsServiceCollectionExtensions
{
    /// <summary>Dependency map and rollup, maturity, benchmarks and scenarios.</summary>
    public static IServiceCollection AddTollgateInsights(this IServiceCollection services)
    {
        services.AddSingleton<OrganisationFiguresLoader>();
        services.AddSingleton<BenchmarkBandStore>();
        services.AddSingleton<DependencyRollup>();
        services.AddSingleton<DependencyMap>();
        services.AddSingleton<DebtLoader>();
        return services;
    }
}
