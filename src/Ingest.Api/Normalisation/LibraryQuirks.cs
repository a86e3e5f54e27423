using Tollgate.Analytics.Spans;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// An instrumentation library whose usage attributes depart from the GenAI conventions, known by
/// the instrumentation scope it names on its spans, and how its figures are brought back to them.
/// </summary>
/// <param name="Scope">The instrumentation scope name the library's spans carry.</param>
/// <param name="Observed">The library and version whose real output showed the departure (the
/// interoperability tests run that version).</param>
/// <param name="Departure">What the library reports, against what the conventions say.</param>
/// <param name="Correct">Rewrites a span's usage into the conventions' meaning.</param>
internal sealed record LibraryQuirk(string Scope, string Observed, string Departure, Action<SpanRecord> Correct);

/// <summary>
/// The one table of library quirks. A row applies to every span of its scope, whatever the
/// version: a library that fixes its output is found by the interoperability test of the newer
/// version, and its row then gains a version bound.
/// </summary>
internal static class LibraryQuirks
{
    public static IReadOnlyList<LibraryQuirk> All { get; } =
    [
        new("@traceloop/instrumentation-anthropic",
            "OpenLLMetry for JavaScript, @traceloop/instrumentation-anthropic 0.27.0",
            "gen_ai.usage.input_tokens is Anthropic's input_tokens, which leaves out the cache reads and writes it reports beside "
                + "it; the conventions count them in the input, so subtracting them again would under-bill the call.",
            // Each count is at most CostLimits.MaxTokens (larger ones are dropped when read): the sum cannot overflow.
            span => span.InputTokens += (span.CacheReadTokens ?? 0) + (span.CacheWriteTokens ?? 0)),
    ];

    private static readonly (byte[] Name, LibraryQuirk Quirk)[] ByScope =
        [.. All.Select(q => (System.Text.Encoding.UTF8.GetBytes(q.Scope), q))];

    /// <summary>The quirk of the scope with this UTF-8 name, or null for a library that follows the conventions.</summary>
    public static LibraryQuirk? For(ReadOnlySpan<byte> scopeName)
    {
        foreach (var (name, quirk) in ByScope)
        {
            if (scopeName.SequenceEqual(name))
            {
                return quirk;
            }
        }

        return null;
    }
}
