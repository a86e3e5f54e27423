using System.Threading.Channels;
using Npgsql;
using Tollgate.Analytics.Spans;

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
}

public readonly record struct WriteOutcome(WriteFailure Failure, TimeSpan RetryAfter, SpanWriteResult Result, string? Reason = null)
{
    public bool Succeeded => Failure == WriteFailure.None;
}

/// <summary>
/// A bounded queue in front of the <see cref="SpanWriter"/>. Requests wait for their spans to be
/// committed (a 200 means stored); batches waiting together are written in one transaction
/// (group commit), so many small concurrent requests cost one COPY and one commit. When the
/// database refuses a group for its content, each request of it is written alone, so that one
/// request's bad data fails that request only.
/// </summary>
public sealed class WriteQueue : IAsyncDisposable
{
    /// <summary>How long clients are asked to wait before retrying when the queue is full.</summary>
    public static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long clients are asked to wait when the database is unreachable.</summary>
    public static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(5);

    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
    private readonly SpanWriter _writer;
    private readonly ILogger<WriteQueue> _logger;
    private readonly int _capacitySpans;
    private readonly int _maxGroupSpans;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stopping = new();
    private int _queuedSpans;

    public WriteQueue(SpanWriter writer, ILogger<WriteQueue> logger, int capacitySpans, int maxGroupSpans)
    {
        _writer = writer;
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
        var group = new List<Pending>();
        var spans = new List<SpanRecord>();
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            spans.Clear();
            while (spans.Count < _maxGroupSpans && reader.TryRead(out var next))
            {
                group.Add(next);
                spans.AddRange(next.Spans);
            }

            var outcome = await WriteGroupAsync(spans);
            if (outcome.Failure == WriteFailure.Unstorable && group.Count > 1)
            {
                // Somebody's spans poisoned the group: find whose by writing each request alone.
                foreach (var pending in group)
                {
                    pending.Completion.TrySetResult(await WriteGroupAsync(pending.Spans));
                }
            }

            Interlocked.Add(ref _queuedSpans, -spans.Count);
            foreach (var pending in group)
            {
                // Each request learns the group's outcome; counts are per group, which is all a
                // request needs: its own spans are either all committed or none are.
                pending.Completion.TrySetResult(outcome);
            }
        }
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
            _logger.LogWarning("Could not store {Count} spans, clients will retry: {Reason}", spans.Count, ex.Message);
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
    private static bool IsUnavailability(Exception ex) => ex switch
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
}
