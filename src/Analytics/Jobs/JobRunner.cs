using Npgsql;

namespace Tollgate.Analytics.Jobs;

/// <summary>This process's name among the instances sharing the job store.</summary>
public sealed record JobInstance(string Name);

/// <summary>
/// Runs a recurring job's work at most once at a time across every instance, and records each run
/// in job_runs. A fire that finds the same job still running elsewhere (a long pass, or a fire
/// taken over from an instance that stopped) does nothing: every recurring job catches up from a
/// watermark or re-reads its window, so the pass already running covers it.
/// </summary>
public sealed class JobRunner(NpgsqlDataSource dataSource, JobRunLog log, JobInstance instance)
{
    // Session advisory locks of recurring jobs are in this class ("jobs" in ASCII), keyed by a hash of the job's name.
    private const int LockClass = 0x6a6f6273;

    /// <returns>Whether the work ran (false: the job was running elsewhere).</returns>
    public async Task<bool> RunOnceAsync(
        string name, string? fireId, DateTime? scheduledFor, Func<CancellationToken, Task<long>> work, CancellationToken cancellationToken)
    {
        // A session-level advisory lock on this connection: if the process dies, the connection closes and the lock goes with it.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await LockAsync(connection, "pg_try_advisory_lock", name, cancellationToken))
        {
            return false;
        }

        try
        {
            await log.AbandonRunningAsync(name, cancellationToken);
            var id = await log.StartAsync(name, instance.Name, fireId ?? "direct", scheduledFor, cancellationToken);
            long rows;
            try
            {
                rows = await work(cancellationToken);
            }
            catch (Exception e)
            {
                await log.FinishAsync(id, JobRunLog.Failed, null, e.Message);
                throw;
            }

            await log.FinishAsync(id, JobRunLog.Succeeded, rows, null);
            return true;
        }
        finally
        {
            await LockAsync(connection, "pg_advisory_unlock", name, CancellationToken.None);
        }
    }

    private static async Task<bool> LockAsync(NpgsqlConnection connection, string function, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}($1, hashtext($2))", connection);
        command.Parameters.Add(new() { Value = LockClass });
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
