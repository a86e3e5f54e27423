namespace Tollgate.Analytics.Spans;

/// <summary>A span id (8 bytes) as a dictionary key with value equality.</summary>
public readonly record struct SpanKey(ulong Value)
{
    public SpanKey(byte[] spanId)
        : this(spanId.Length == 8 ? BitConverter.ToUInt64(spanId) : Fold(spanId))
    {
    }

    private static ulong Fold(byte[] bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}

/// <summary>A trace id (16 bytes) as a dictionary key with value equality.</summary>
public readonly record struct TraceKey(ulong High, ulong Low)
{
    public TraceKey(byte[] traceId)
        : this(traceId.Length == 16 ? BitConverter.ToUInt64(traceId, 0) : new SpanKey(traceId).Value, traceId.Length == 16 ? BitConverter.ToUInt64(traceId, 8) : (ulong)traceId.Length)
    {
    }
}
