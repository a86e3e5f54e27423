using System.Collections.Concurrent;

namespace Tollgate.Ingest.Api.Keys;

/// <summary>
/// A token bucket of spans per second for each ingest key. A request may overdraw the bucket
/// once (a batch is never split), and the key then waits until the debt is paid back.
/// </summary>
public sealed class SpanRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<int, Bucket> _buckets = new();

    /// <summary>Takes <paramref name="spans"/> from the key's bucket, or says how long to wait.</summary>
    public TimeSpan? TryAcquire(int keyId, int ratePerSecond, int spans)
    {
        var bucket = _buckets.GetOrAdd(keyId, _ => new Bucket(ratePerSecond, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(bucket.LastRefill, now).TotalSeconds;
            // A burst of one second's worth is allowed.
            bucket.Tokens = Math.Min(ratePerSecond, bucket.Tokens + (elapsed * ratePerSecond));
            bucket.LastRefill = now;
            if (bucket.Tokens <= 0)
            {
                return TimeSpan.FromSeconds(Math.Ceiling(-bucket.Tokens / ratePerSecond) + 1);
            }

            bucket.Tokens -= spans;
            return null;
        }
    }

    private sealed class Bucket(double tokens, long lastRefill)
    {
        public double Tokens { get; set; } = tokens;
        public long LastRefill { get; set; } = lastRefill;
    }
}
