using System.Text;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Interns the label values spans repeat endlessly (providers, models, teams, operations), so
/// that thousands of queued spans share one string each. One pool per thread: no locking.
/// </summary>
internal static class StringPool
{
    /// <summary>Cleared when full: a client sending random values cannot grow it.</summary>
    private const int MaxEntries = 4096;

    /// <summary>Longer values are rarely repeated labels; they are decoded without pooling.</summary>
    private const int MaxPooledBytes = 128;

    [ThreadStatic]
    private static HashSet<string>? _pool;

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxPooledBytes];
        var written = Encoding.UTF8.GetChars(utf8, chars);
        var pool = _pool ??= new HashSet<string>(StringComparer.Ordinal);
        var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..written], out var existing))
        {
            return existing;
        }

        if (pool.Count >= MaxEntries)
        {
            pool.Clear();
        }

        var created = new string(chars[..written]);
        pool.Add(created);
        return created;
    }
}
