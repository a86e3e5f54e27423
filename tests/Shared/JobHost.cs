using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Analytics;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Jobs;

namespace Tollgate.Testing;

/// <summary>A process's job server alone (no web app): Tollgate's analytics, budgets and Hangfire server on a database, as the dashboard registers them, rollups every second.</summary>
public static class JobHost
{
    public static async Task<IHost> StartAsync(string connectionString, string instanceId)
    {
        var host = Build(connectionString, instanceId);
        await host.StartAsync();
        return host;
    }

    /// <summary>The host, built and not started.</summary>
    public static IHost Build(string connectionString, string instanceId)
    {
        var options = new TollgateOptions
        {
            ConnectionString = connectionString,
            Jobs = new JobsOptions { InstanceId = instanceId, RollupIntervalSeconds = 1 },
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTollgateAnalytics(options);
        builder.Services.AddTollgateBudgets(options);
        builder.Services.AddTollgateJobs(options);
        return builder.Build();
    }
}
