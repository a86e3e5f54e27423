using System.Globalization;
using Npgsql;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Jobs;

namespace Tollgate.Pages.Benchmark;

/// <summary>
/// The dashboard's scheduled jobs, read from its run log (job_runs): page loads are measured once the
/// jobs that run at start have finished, and each measurement says which runs shared the machine with it.
/// On a large database the first anomaly scan keeps a core busy for tens of seconds; page loads measured
/// during it would time the scan, not the pages.
/// </summary>
internal sealed class JobRuns(NpgsqlDataSource dataSource)
{
    /// <summary>The jobs that run when the dashboard starts.</summary>
    private static readonly string[] StartJobs = [.. RecurringJobs.All(new JobsOptions()).Where(j => j.RunAtStart).Select(j => j.Name)];

    public async Task<DateTime> NowAsync() =>
        (DateTime)(await dataSource.CreateCommand("SELECT now()").ExecuteScalarAsync())!;

    /// <summary>Waits until each start-up job has a finished run that began at or after <paramref name="since"/> and none is running.</summary>
    public async Task<TimeSpan> WaitForStartJobsAsync(DateTime since, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT count(DISTINCT job) FILTER (WHERE ended_at IS NOT NULL AND job = ANY($2)),
                       count(*) FILTER (WHERE outcome = 'running')
                FROM job_runs WHERE started_at >= $1
                """);
            command.Parameters.AddWithValue(since);
            command.Parameters.AddWithValue(StartJobs);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var finished = reader.GetInt64(0);
            var running = reader.GetInt64(1);
            if (finished == StartJobs.Length && running == 0)
            {
                return waited.Elapsed;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the dashboard's start-up jobs had not finished after {within.TotalSeconds:0} s ({finished} of {StartJobs.Length} done, {running} running)");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The job runs that overlapped [<paramref name="from"/>, <paramref name="until"/>], job by job: how many and how long they ran in all.</summary>
    public async Task<string> DuringAsync(DateTime from, DateTime until)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT job, count(*), sum(extract(epoch FROM least(coalesce(ended_at, $2), $2) - greatest(started_at, $1)))::float8
            FROM job_runs WHERE started_at < $2 AND coalesce(ended_at, $2) > $1
            GROUP BY job ORDER BY job
            """);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(until);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1)}x, {reader.GetDouble(2):F1} s"));
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
