using Microsoft.Extensions.Logging.Abstractions;
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
        using var first = await JobHost.StartAsync(database.ConnectionString, "node-a");
        using var second = await JobHost.StartAsync(database.ConnectionString, "node-b");
        // A one-second rollup interval: fires every second while both instances compete for them.
        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'rollups' AND outcome = 'succeeded'") >= 8,
            TimeSpan.FromMinutes(2), "Eight successful rollup runs");
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
}
