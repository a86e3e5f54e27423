using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Hosting;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>
/// Writes the spool's records to the database in the order they were appended, several per
/// transaction, and removes them once committed. While the database is unreachable it waits and
/// tries again. A record the database refuses for its content is moved to quarantine so that the
/// records behind it are not held up forever. Records replayed twice (after a crash between the
/// commit and the removal) change nothing: the writer drops spans it already stores.
/// </summary>
public sealed class SpoolReplayer(Spool spool, SpanWriter writer, ILogger<SpoolReplayer> logger, DatabaseStartup? startup = null) : BackgroundService
{
    /// <summary>Payload bytes per replay transaction: about the spans of a write queue's group (16,384 spans of some 500 bytes).</summary>
    public const long BatchBytes = 8L * 1024 * 1024;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(2);

    private bool _stalled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        if (startup is not null)
        {
            // A receiver that started without the database replays once the schema and partitions are there.
            try
            {
                await startup.Done.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await spool.WaitForRecordsAsync(stoppingToken);
                if (await ReplayBatchAsync(stoppingToken))
                {
                    retry = FirstRetry;
                    continue;
                }

                await Task.Delay(retry, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogError("Could not read or update the spool in {Directory}: {Reason}", spool.Directory, ex.Message);
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    /// <summary>Replays the oldest records; false when the database could not take them now.</summary>
    private async Task<bool> ReplayBatchAsync(CancellationToken cancellationToken)
    {
        var records = spool.Peek(BatchBytes);
        var (written, _) = await WriteAsync(records, cancellationToken);
        if (written == Written.Stored)
        {
            spool.Remove(records.Count);
            return true;
        }

        if (written == Written.Unavailable)
        {
            return false;
        }

        // One of them is refused for its content: find which by writing each alone, in order.
        foreach (var record in records)
        {
            var (alone, reason) = await WriteAsync([record], cancellationToken);
            if (alone == Written.Unavailable)
            {
                return false;
            }

            if (alone == Written.Refused)
            {
                spool.Quarantine(record, reason!);
            }

            spool.Remove(1);
        }

        return true;
    }

    private async Task<(Written, string?)> WriteAsync(List<SpoolRecord> records, CancellationToken cancellationToken)
    {
        List<SpanRecord> spans;
        try
        {
            // Decoded afresh on every attempt: a failed write leaves its records half resolved.
            spans = records.SelectMany(r => SpanRecordCodec.Decode(r.Payload)).ToList();
        }
        catch (InvalidDataException ex)
        {
            return (Written.Refused, ex.Message);
        }

        try
        {
            await writer.WriteAsync(spans, cancellationToken);
            if (_stalled)
            {
                _stalled = false;
                logger.LogInformation("Replaying the spool in {Directory} again", spool.Directory);
            }

            return (Written.Stored, null);
        }
        catch (Exception ex) when (WriteQueue.IsUnavailability(ex))
        {
            if (!_stalled && !cancellationToken.IsCancellationRequested)
            {
                _stalled = true;
                logger.LogWarning("The database does not take spooled spans now; replay waits and tries again: {Reason}", ex.Message);
            }

            return (Written.Unavailable, null);
        }
        catch (Exception ex)
        {
            return (Written.Refused, ex is Npgsql.PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : ex.Message);
        }
    }

    private enum Written
    {
        Stored,
        Unavailable,
        Refused,
    }
}
