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
