using System.Text;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Text as the span table can hold it: with no NUL character and no longer than its limit. Both
/// change what the client sent, so each change is counted as a warning.
/// </summary>
internal static class StoredText
{
    private const string TruncationMark = "…[truncated]";

    /// <summary>UTF-8 from the request as stored text; null when empty.</summary>
    public static string? Decode(ReadOnlySpan<byte> utf8, int maxLength, Rejections rejections) =>
        utf8.IsEmpty ? null : Truncate(Storable(Encoding.UTF8.GetString(utf8), rejections), maxLength, rejections);

    /// <summary>
    /// PostgreSQL text and jsonb cannot hold the NUL character (one would fail the whole commit
    /// group), so it becomes U+FFFD, the replacement character invalid UTF-8 already turns into.
    /// </summary>
    public static string Storable(string text, Rejections rejections)
    {
        if (!text.Contains('\0', StringComparison.Ordinal))
        {
            return text;
        }

        rejections.Warn("NUL characters replaced with U+FFFD (PostgreSQL cannot store them)");
        return text.Replace('\0', '\uFFFD');
    }

    /// <summary>Cuts a value to a number of characters, ending it with a mark that says so.</summary>
    public static string? Truncate(string? value, int maxLength, Rejections rejections)
    {
        if (value is null || value.Length <= maxLength)
        {
            return value;
        }

        rejections.Warn($"attribute values cut to {maxLength} characters");
        var cut = maxLength - TruncationMark.Length;
        // Never split a surrogate pair: half a character is not valid UTF-16 for JSON.
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }

        return string.Concat(value.AsSpan(0, Math.Max(0, cut)), TruncationMark);
    }
}
