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

    /// <summary>The database did not take the batch: nothing of it is stored.</summary>
    DatabaseUnavailable,
}

public readonly record struct WriteOutcome(WriteFailure Failure, TimeSpan RetryAfter, SpanWriteResult Result)
{
    public bool Succeeded => Failure == WriteFailure.None;
}

/// <summary>
/// A bounded queue in front of the <see cref="SpanWriter"/>. Requests wait for their spans to be
/// committed (a 200 means stored); batches waiting together are written in one transaction
/// (group commit), so many small concurrent requests cost one COPY and one commit.
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
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            _logger.LogWarning("Could not store {Count} spans, clients will retry: {Reason}", spans.Count, ex.Message);
            return new WriteOutcome(WriteFailure.DatabaseUnavailable, DatabaseRetryAfter, default);
        }
        catch (Exception ex)
        {
            // Never lose the loop: whatever went wrong, these requests are answered and the next ones served.
            _logger.LogError(ex, "Storing {Count} spans failed", spans.Count);
            return new WriteOutcome(WriteFailure.DatabaseUnavailable, DatabaseRetryAfter, default);
        }
    }

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
