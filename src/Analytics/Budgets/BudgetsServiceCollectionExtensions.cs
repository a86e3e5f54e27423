using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Budgets;

public static class BudgetsServiceCollectionExtensions
{
    /// <summary>Budgets, the in-memory spend, governance checks, alerts and digests, with their background workers.</summary>
    public static IServiceCollection AddTollgateBudgets(this IServiceCollection services, TollgateOptions options)
    {
        services.AddSingleton(options.Budgets);
        services.AddSingleton(options.Smtp);
        services.AddSingleton<SpendTracker>();
        services.AddSingleton<BudgetStore>();
        services.AddSingleton<GovernanceCheck>();
        services.AddSingleton<AlertSender>();
        services.AddSingleton<AlertDeliverer>();
        services.AddSingleton<BudgetEvaluator>();
        services.AddSingleton<AlertHistory>();
        services.AddSingleton<WeeklyDigest>();
        services.AddSingleton<AnomalyNotifier>();
        services.AddSingleton<Audit.AuditQuery>();
        services.AddHostedService<SpendRefreshWorker>();
        services.AddHostedService<AlertDeliveryWorker>();
        return services;
    }
}
