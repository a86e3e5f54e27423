using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Jobs;

public sealed class JobActivationTests
{
    private static async Task<TestDatabase> MigratedAsync()
    {
        var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return database;
    }

    [Fact]
    public async Task An_instance_keeps_running_its_jobs_after_another_instance_in_the_same_process_has_stopped()
    {
        await using var first = await MigratedAsync();
        await using var second = await MigratedAsync();
        // Two apps starting at once in one process: the first has configured Hangfire when the
        // second configures it again, before the first's job server is built. The second then
        // stops; nothing of it may serve the first's jobs.
        using var running = JobHost.Build(first.ConnectionString, "node-a");
        running.Services.GetRequiredService<IGlobalConfiguration>();
        using (var stopped = await JobHost.StartAsync(second.ConnectionString, "node-b"))
        {
            await stopped.StopAsync();
        }

        await running.StartAsync();

        const string Succeeded = "SELECT count(*) FROM job_runs WHERE job = 'rollups' AND outcome = 'succeeded'";
        const string Failed = "SELECT count(*) FROM hangfire.state WHERE name = 'Failed'";
        var before = await first.ScalarAsync<long>(Succeeded);
        // Rollups fire every second: three more runs, unless a job fails first.
        await Eventually.TrueAsync(
            async () => await first.ScalarAsync<long>(Succeeded) >= before + 3 || await first.ScalarAsync<long>(Failed) > 0,
            TimeSpan.FromMinutes(2), "three more rollup runs or a failed job", first.DescribeJobsAsync);
        (await first.ScalarAsync<long>(Failed)).ShouldBe(0, await first.DescribeJobsAsync());
        await running.StopAsync();
    }
}
