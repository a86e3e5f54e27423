using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Jobs;

public sealed class JobClusterTests
{
    [Fact]
    public async Task Two_scheduler_instances_on_one_database_run_each_fire_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var dataSource = database.CreateDataSource())
        {
            await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }

        using var first = await StartAsync(database, "node-a");
        using var second = await StartAsync(database, "node-b");
        // A one-second rollup interval: about ten fires while both instances compete for them.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var members = await database.ScalarAsync<string>("SELECT string_agg(instance_name, ',' ORDER BY instance_name) FROM qrtz_scheduler_state");
        await first.StopAsync();
        await second.StopAsync();

        var runs = await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'rollups'");
        var fires = await database.ScalarAsync<long>("SELECT count(DISTINCT scheduled_for) FROM job_runs WHERE job = 'rollups'");
        runs.ShouldBeGreaterThanOrEqualTo(5);
        runs.ShouldBe(fires);
        (await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE outcome <> 'succeeded'")).ShouldBe(0);
        members.ShouldBe("node-a,node-b");
    }

    private static async Task<IHost> StartAsync(TestDatabase database, string instanceId)
    {
        var options = new TollgateOptions
        {
            ConnectionString = database.ConnectionString,
            Jobs = new JobsOptions { InstanceId = instanceId, RollupIntervalSeconds = 1 },
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTollgateAnalytics(options);
        builder.Services.AddTollgateJobs(options);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
