using System.Threading.Channels;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>Why a batch could not be queued or stored, and when to try again.</summary>
public enum WriteFailure
{
    None,

    /// <summary>The queue holds as many spans as it may: the client should slow down.</summary>
    QueueFull,

    /// <summary>The database could not be reached (or is shutting down, or out of room): nothing of it is stored.</summary>
    DatabaseUnavailable,

    /// <summary>
    /// The database refused this request's own spans (a value it cannot store): nothing of it is
    /// stored, and sending it again will not help.
    /// </summary>
    Unstorable,

    /// <summary>The database did not take the spans and the spool could not either (full, or the disk refused).</summary>
    SpoolFull,
}

/// <summary>How a batch fared; <see cref="Spooled"/> when it waits, fsynced, in the spool rather than in the database.</summary>
public readonly record struct WriteOutcome(WriteFailure Failure, TimeSpan RetryAfter, SpanWriteResult Result, string? Reason = null, bool Spooled = false)
{
    public bool Succeeded => Failure == WriteFailure.None;
}

/// <summary>
/// A bounded queue in front of the <see cref="SpanWriter"/>. Requests wait for their spans to be
/// durable (a 200 means stored); batches waiting together are written in one transaction
/// (group commit), so many small concurrent requests cost one COPY and one commit. Two groups
/// that share no trace are written at the same time, on two connections; a group sharing a trace
/// with one in flight waits for it. When the database refuses a group for its content, each
/// request of it is written alone, so that one request's bad data fails that request only.
/// <para>
/// With a <see cref="Spool"/>, a group the database cannot take is appended to the spool instead
/// (one fsync for the group), and so is every group after it until the spool's replayer has
/// emptied it: a trace's spans reach the database in the order they were accepted.
/// </para>
/// </summary>
public sealed class WriteQueue : IAsyncDisposable
{
    /// <summary>How long clients are asked to wait before retrying when the queue is full.</summary>
    public static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long clients are asked to wait when the database is unreachable.</summary>
    public static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long clients are asked to wait when the spool is full: replay frees it at the database's pace.</summary>
    public static readonly TimeSpan SpoolFullRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Groups written at once, each in its own transaction, when they share no trace. With one, the
    /// database idles while requests are read and the next group is prepared; with two, one group's
    /// COPY and commit overlap the next one's lookup (bench/ingest.sh).
    /// </summary>
    private const int MaxGroupsInFlight = 2;

    private readonly Lock _spoolGate = new();
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
    private readonly SpanWriter _writer;
    private readonly Spool? _spool;
    private readonly Func<bool>? _databaseReady;
    private readonly ILogger<WriteQueue> _logger;
    private readonly int _capacitySpans;
    private readonly int _maxGroupSpans;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stopping = new();
    private int _queuedSpans;

    // databaseReady is false while the database has not had this version's start-up work: spans then go to the spool.
    public WriteQueue(SpanWriter writer, ILogger<WriteQueue> logger, int capacitySpans, int maxGroupSpans, Spool? spool = null, Func<bool>? databaseReady = null)
    {
        _writer = writer;
        _spool = spool;
        _databaseReady = databaseReady;
        _logger = logger;
        _capacitySpans = capacitySpans;
        _maxGroupSpans = maxGroupSpans;
        _loop = Task.Run(RunAsync);
    }

    public int QueuedSpans => Volatile.Read(ref _queuedSpans);

    /// <summary>Queues the spans and completes when they are committed or could not be.</summary>
    public Task<WriteOutcome> WriteAsync(List<SpanRecord> spans)
    {
        if (spans.Count == 0)
        {
            return Task.FromResult(new WriteOutcome(WriteFailure.None, TimeSpan.Zero, default));
        }

        // Reserve room first; a batch larger than the whole queue still goes through alone.
        var queued = Interlocked.Add(ref _queuedSpans, spans.Count);
        if (queued > _capacitySpans && queued != spans.Count)
        {
            Interlocked.Add(ref _queuedSpans, -spans.Count);
            return Task.FromResult(new WriteOutcome(WriteFailure.QueueFull, QueueFullRetryAfter, default));
        }

        var pending = new Pending(spans, new TaskCompletionSource<WriteOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queuedSpans, -spans.Count);
            return Task.FromResult(new WriteOutcome(WriteFailure.DatabaseUnavailable, DatabaseRetryAfter, default));
        }

        return pending.Completion.Task;
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var inFlight = new List<InFlight>(MaxGroupsInFlight);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var group = new List<Pending>();
            var spans = new List<SpanRecord>();
            while (spans.Count < _maxGroupSpans && reader.TryRead(out var next))
            {
                group.Add(next);
                spans.AddRange(next.Spans);
            }

            // A group waits for every group in flight that shares a trace with it: attribution over
            // a trace reads its stored spans, which another open transaction would hide.
            var traces = spans.Select(s => new TraceKey(s.TraceId)).ToHashSet();
            foreach (var earlier in inFlight.Where(f => f.Traces.Overlaps(traces)).ToList())
            {
                await earlier.Stored;
            }

            inFlight.RemoveAll(f => f.Stored.IsCompleted);
            if (inFlight.Count == MaxGroupsInFlight)
            {
                await Task.WhenAny(inFlight.Select(f => f.Stored));
                inFlight.RemoveAll(f => f.Stored.IsCompleted);
            }

            inFlight.Add(new InFlight(StoreGroupAsync(group, spans), traces));
        }

        await Task.WhenAll(inFlight.Select(f => f.Stored));
    }

    /// <summary>Stores or spools one group and answers its requests; never throws.</summary>
    private async Task StoreGroupAsync(List<Pending> group, List<SpanRecord> spans)
    {
        try
        {
            await StoreAsync(group, spans);
        }
        catch (Exception ex)
        {
            // Never lose the loop: these requests are refused, the next ones served.
            _logger.LogError(ex, "Could not store or spool {Count} spans", spans.Count);
            Complete(group, new WriteOutcome(WriteFailure.DatabaseUnavailable, DatabaseRetryAfter, default));
        }

        Interlocked.Add(ref _queuedSpans, -spans.Count);
    }

    private async Task StoreAsync(List<Pending> group, List<SpanRecord> spans)
    {
        // While the spool holds anything, the database gets spans only through it, in order; and
        // before the start-up work is done, the database may lack the schema or partitions.
        if (_spool is not null && (_spool.PendingRecords > 0 || _databaseReady?.Invoke() == false))
        {
            Complete(group, SpoolGroup(group));
            return;
        }

        var outcome = await WriteGroupAsync(spans);
        if (outcome.Failure == WriteFailure.Unstorable && group.Count > 1)
        {
            // Somebody's spans poisoned the group: find whose by writing each request alone.
            for (var i = 0; i < group.Count; i++)
            {
                var alone = await WriteGroupAsync(group[i].Spans);
                if (alone.Failure == WriteFailure.DatabaseUnavailable && _spool is not null)
                {
                    Complete(group[i..], SpoolGroup(group[i..]));
                    return;
                }

                group[i].Completion.TrySetResult(alone);
            }

            return;
        }

        if (outcome.Failure == WriteFailure.DatabaseUnavailable && _spool is not null)
        {
            outcome = SpoolGroup(group);
        }

        // Each request learns the group's outcome; counts are per group, which is all a
        // request needs: its own spans are either all stored or none are.
        Complete(group, outcome);
    }

    private static void Complete(IEnumerable<Pending> group, WriteOutcome outcome)
    {
        foreach (var pending in group)
        {
            pending.Completion.TrySetResult(outcome);
        }
    }

    /// <summary>One record per request, so that a record the database later refuses holds one request's spans only.</summary>
    private WriteOutcome SpoolGroup(List<Pending> group)
    {
        var records = group.Select(p => SpanRecordCodec.Encode(p.Spans)).ToList();
        AppendResult result;
        // The spool takes one writer at a time, and two groups in flight may both fall back to it.
        lock (_spoolGate)
        {
            result = _spool!.Append(records);
        }

        return result switch
        {
            AppendResult.Appended => new WriteOutcome(WriteFailure.None, TimeSpan.Zero, default, Spooled: true),
            AppendResult.Full => new WriteOutcome(WriteFailure.SpoolFull, SpoolFullRetryAfter, default, "the spool is full"),
            _ => new WriteOutcome(WriteFailure.SpoolFull, SpoolFullRetryAfter, default, "the spool's disk refused the write"),
        };
    }

    private async Task<WriteOutcome> WriteGroupAsync(List<SpanRecord> spans)
    {
        try
        {
            var result = await _writer.WriteAsync(spans, _stopping.Token);
            return new WriteOutcome(WriteFailure.None, TimeSpan.Zero, result);
        }
        catch (Exception ex) when (IsUnavailability(ex))
        {
            _logger.LogWarning("The database did not take {Count} spans: {Reason}", spans.Count, ex.Message);
            return new WriteOutcome(WriteFailure.DatabaseUnavailable, DatabaseRetryAfter, default);
        }
        catch (Exception ex)
        {
            // Never lose the loop: whatever went wrong, these requests are answered and the next ones served.
            _logger.LogWarning("The database refused {Count} spans for their content: {Reason}", spans.Count, ex.Message);
            var reason = ex is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : ex.Message;
            return new WriteOutcome(WriteFailure.Unstorable, TimeSpan.Zero, default, reason);
        }
    }

    /// <summary>
    /// Whether an error says nothing about the spans: anything but what the database raises about
    /// the values written (a data exception, a violated constraint, a value over a limit: SQLSTATE
    /// classes 22, 23 and 54) means it could not take any spans now, and the client should retry.
    /// </summary>
    internal static bool IsUnavailability(Exception ex) => ex switch
    {
        // A unique violation that outlived the writer's retries is a race with another writer, not bad data.
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation || pg.SqlState[..2] is not ("22" or "23" or "54"),
        NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException or IOException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        // Let queued requests finish for a moment, then give up on the rest.
        if (await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(10))) != _loop)
        {
            await _stopping.CancelAsync();
            await _loop;
        }

        _stopping.Dispose();
    }

    private sealed record Pending(List<SpanRecord> Spans, TaskCompletionSource<WriteOutcome> Completion);

    private sealed record InFlight(Task Stored, HashSet<TraceKey> Traces);
}
