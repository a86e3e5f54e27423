using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Time;
using Tollgate.Testing;
using static Tollgate.Testing.TestSpans;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class JobRecoveryTests
{
    [Fact]
    public async Task A_dashboard_killed_in_the_middle_of_a_rollup_leaves_the_hour_whole_and_another_instance_completes_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var project = await database.ScalarAsync<int>("INSERT INTO projects (name) VALUES ('default') RETURNING id");
        var hour = UtcHour.Floor(DateTime.UtcNow).AddHours(-3);
        var partitions = new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance);
        await partitions.EnsureAsync(hour.AddDays(-1), hour.AddDays(1));
        var writer = new SpanWriter(dataSource, partitions, NullLogger<SpanWriter>.Instance);
        await writer.WriteAsync(
        [
            Root(project, 1, 1, "gateway", hour.AddMinutes(5), team: "search"),
            Chat(project, 1, 2, 1, "gateway", hour.AddMinutes(5).AddSeconds(1), "openai", "gpt-4o", 0.25m),
        ]);
        await new RollupService(dataSource, new PriceStore(dataSource)).RecomputeAsync(hour, hour.AddHours(1));
        var before = await HourAsync(database, hour);
        // A late call the next pass adds to the hour.
        await writer.WriteAsync([Chat(project, 1, 3, 1, "gateway", hour.AddMinutes(20), "openai", "gpt-4o", 0.5m)]);

        // Hold the daily table: a pass replaces the hour's rows, then waits here, before its commit.
        await using var blocker = await dataSource.OpenConnectionAsync();
        await using (var hold = await blocker.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE rollup_spans_daily IN EXCLUSIVE MODE", blocker, hold))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            using var doomed = await StartProcessAsync(database.ConnectionString, "doomed");
            await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%rollup_spans_daily%'") > 0,
                TimeSpan.FromMinutes(2), "The dashboard's rollup pass waiting before its commit");
            doomed.Kill();
            await doomed.WaitForExitAsync();
            await hold.RollbackAsync();
        }

        // Killed before its commit: the hour is as it was, whole, and no pass claims to be done.
        (await HourAsync(database, hour)).ShouldBe(before);
        (await database.ScalarAsync<long>("SELECT count(*) FROM rollup_state WHERE name = 'rollups'")).ShouldBe(0);

        using (var survivor = await JobHost.StartAsync(database.ConnectionString, "survivor"))
        {
            await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(
                "SELECT count(*) FROM job_runs WHERE job = 'rollups' AND instance = 'survivor' AND outcome = 'succeeded'") > 0,
                // A lock the killed process held in the job store delays this by up to its timeout.
                JobsServiceCollectionExtensions.DistributedLockTimeout + TimeSpan.FromMinutes(2), "A successful rollup run on the other instance");
            await survivor.StopAsync();
        }

        // The hour now matches its spans: two calls, 0.25 + 0.5, counted once.
        (await HourAsync(database, hour)).ShouldBe(await database.ScalarAsync<string>($"""
            SELECT count(*) || ' calls, $' || round(sum(coalesce(provided_cost_usd, computed_cost_usd)), 4)
            FROM spans WHERE billing AND start_time >= '{hour:O}' AND start_time < '{hour.AddHours(1):O}'
            """));
        (await HourAsync(database, hour)).ShouldBe("2 calls, $0.7500");
        (await database.ScalarAsync<string>("SELECT string_agg(instance || ':' || outcome, ' ' ORDER BY id) FROM job_runs WHERE job = 'rollups'"))
            .ShouldStartWith("doomed:abandoned survivor:succeeded");
    }

    [Fact]
    public async Task An_instance_starts_while_a_killed_instance_still_holds_a_schedule_lock_and_registers_that_job_once_the_lock_goes()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        // What a process killed while writing the dependencies job's schedule leaves behind.
        await database.ExecuteAsync($"""
            INSERT INTO {JobStorageSchema.Name}.lock (resource, updatecount, acquired)
            VALUES ('hangfire:lock:recurring-job:{RecurringJobs.Dependencies}', 0, now() AT TIME ZONE 'UTC')
            """);

        using var host = await JobHost.StartAsync(database.ConnectionString, "after-crash");
        // The other jobs are registered and run at once; the locked one waits for its lock.
        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(
            "SELECT count(*) FROM job_runs WHERE job = 'rollups' AND outcome = 'succeeded'") > 0,
            TimeSpan.FromMinutes(2), "A rollup run while the dependencies schedule is locked");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = '{RecurringJobs.Dependencies}'")).ShouldBe(0);

        // The lock expires (here: is removed, as the storage does once it is older than its timeout).
        await database.ExecuteAsync($"DELETE FROM {JobStorageSchema.Name}.lock WHERE resource LIKE '%recurring-job:{RecurringJobs.Dependencies}'");
        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(
            $"SELECT count(*) FROM job_runs WHERE job = '{RecurringJobs.Dependencies}' AND outcome = 'succeeded'") > 0,
            TimeSpan.FromMinutes(2), "The dependencies job registered and run after its lock went");
        await host.StopAsync();
    }

    private static Task<string?> HourAsync(TestDatabase database, DateTime hour) => database.ScalarAsync<string>($"""
        SELECT coalesce(sum(calls), 0) || ' calls, $' || round(coalesce(sum(cost_usd), 0), 4)
        FROM rollup_spans_hourly WHERE bucket = '{hour:O}'
        """);


    /// <summary>The dashboard in a process of its own, as deployed, running the jobs every second.</summary>
    private static async Task<Process> StartProcessAsync(string connectionString, string instance)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Tollgate.Dashboard.Web.dll"), $"--ConnectionStrings:Tollgate={connectionString}",
            $"--Tollgate:HttpPort={port}", "--Tollgate:Ingest:Embedded=false", $"--Tollgate:Jobs:InstanceId={instance}",
            "--Tollgate:Jobs:RollupIntervalSeconds=1", "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        // Drained so that a chatty process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            process.HasExited.ShouldBeFalse("the dashboard process exited at start");
            try
            {
                return (await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(2), "The dashboard process answering ready");
        return process;
    }
}
