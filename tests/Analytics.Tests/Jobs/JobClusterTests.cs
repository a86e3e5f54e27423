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
    public async Task Two_instances_on_one_database_run_each_fire_of_a_recurring_job_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var dataSource = database.CreateDataSource())
        {
            await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }

        var started = await database.ScalarAsync<DateTime>("SELECT now()");
        using var first = await StartAsync(database, "node-a");
        using var second = await StartAsync(database, "node-b");
        // A one-second rollup interval: fires every second while both instances compete for them.
        await Until(async () => await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'rollups' AND outcome = 'succeeded'") >= 8);
        var servers = await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.server");
        await first.StopAsync();
        await second.StopAsync();
        var elapsed = await database.ScalarAsync<double>($"SELECT extract(epoch FROM now() - '{started:O}'::timestamptz)::float8");

        var runs = await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'rollups'");
        var fires = await database.ScalarAsync<long>("SELECT count(DISTINCT fire_id) FROM job_runs WHERE job = 'rollups'");
        var enqueued = await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.job WHERE arguments ->> 0 = '\"rollups\"'");
        // Both instances served the job store while the fires ran (which of them ran a fire is up to them).
        servers.ShouldBe(2);
        runs.ShouldBe(fires);
        // One job per second of the schedule, plus one each instance asks for at start: two
        // schedulers each enqueueing every fire would make about twice as many.
        enqueued.ShouldBeLessThanOrEqualTo((long)Math.Ceiling(elapsed) + 3);
        (await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE outcome <> 'succeeded'")).ShouldBe(0);
        // Runs of one job never overlap, whichever instance ran them.
        (await database.ScalarAsync<long>("""
            SELECT count(*) FROM job_runs a JOIN job_runs b ON a.job = b.job AND a.id < b.id
            WHERE b.started_at < a.ended_at
            """)).ShouldBe(0);
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the jobs did not run in time");
            await Task.Delay(200);
        }
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
