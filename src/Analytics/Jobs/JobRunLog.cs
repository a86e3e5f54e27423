using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Jobs;

/// <summary>One run of a scheduled job as recorded in job_runs.</summary>
public sealed record JobRun(
    long Id, string Job, string Instance, DateTime? ScheduledFor, DateTime StartedAt, DateTime? EndedAt,
    string Outcome, long? RowsTouched, string? ErrorMessage);

/// <summary>A job and its latest runs, newest first.</summary>
public sealed record JobHistory(string Job, IReadOnlyList<JobRun> Runs);

/// <summary>
/// Tollgate's record of recurring job runs (which instance ran what, when, with what outcome,
/// rows touched), kept apart from Hangfire's tables: it reads the same whatever the scheduler, and
/// keeps a run's history after Hangfire has expired the job.
/// </summary>
public sealed class JobRunLog(NpgsqlDataSource dataSource)
{
    /// <summary>Runs kept per job: at one run a minute, a bit over eight hours, plenty to see a pattern of failures.</summary>
    public const int HistoryPerJob = 500;

    /// <summary>Runs returned per job by <see cref="ListAsync"/>.</summary>
    public const int MaxListedPerJob = 50;

    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>A run whose instance stopped before it ended (a crash, a kill, a lost machine).</summary>
    public const string Abandoned = "abandoned";

    public async Task<long> StartAsync(string job, string instance, string fireId, DateTime? scheduledFor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO job_runs (job, instance, fire_id, scheduled_for, started_at, outcome)
            VALUES ($1, $2, $3, $4, now(), 'running') RETURNING id
            """);
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = instance });
        command.Parameters.Add(new() { Value = fireId });
        command.Parameters.Add(new() { Value = (object?)scheduledFor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Marks the job's runs still recorded as running as abandoned. Only called by the holder of the
    /// job's lock (<see cref="JobRunner"/>): no other run of the job can be alive, so such a row is
    /// left by an instance that stopped mid-run.
    /// </summary>
    public async Task<int> AbandonRunningAsync(string job, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE job_runs SET outcome = '{Abandoned}', ended_at = now(), error_message = 'its instance stopped before the run ended'
            WHERE job = $1 AND outcome = '{Running}'
            """);
        command.Parameters.Add(new() { Value = job });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the end of a run and drops the job's runs beyond <see cref="HistoryPerJob"/>. Not cancellable: an ended run must say so.</summary>
    public async Task FinishAsync(long id, string outcome, long? rowsTouched, string? error)
    {
        await using var batch = dataSource.CreateBatch();
        var finish = new NpgsqlBatchCommand("UPDATE job_runs SET ended_at = now(), outcome = $2, rows_touched = $3, error_message = $4 WHERE id = $1");
        finish.Parameters.Add(new() { Value = id });
        finish.Parameters.Add(new() { Value = outcome });
        finish.Parameters.Add(new() { Value = (object?)rowsTouched ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        finish.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(finish);
        var prune = new NpgsqlBatchCommand($"""
            DELETE FROM job_runs WHERE job = (SELECT job FROM job_runs WHERE id = $1)
              AND id < (SELECT min(id) FROM (SELECT id FROM job_runs WHERE job = (SELECT job FROM job_runs WHERE id = $1) ORDER BY id DESC LIMIT {HistoryPerJob}) kept)
            """);
        prune.Parameters.Add(new() { Value = id });
        batch.BatchCommands.Add(prune);
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>The latest runs of every job that ever ran, newest first.</summary>
    public async Task<IReadOnlyList<JobHistory>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, job, instance, scheduled_for, started_at, ended_at, outcome, rows_touched, error_message
            FROM (SELECT *, row_number() OVER (PARTITION BY job ORDER BY id DESC) AS n FROM job_runs) r
            WHERE n <= {MaxListedPerJob}
            ORDER BY job, id DESC
            """);
        var runs = new List<JobRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new JobRun(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDateTime(3), reader.GetDateTime(4), reader.IsDBNull(5) ? null : reader.GetDateTime(5),
                reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return [.. runs.GroupBy(r => r.Job).Select(g => new JobHistory(g.Key, [.. g]))];
    }
}
