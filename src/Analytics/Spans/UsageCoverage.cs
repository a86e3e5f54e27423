namespace Tollgate.Analytics.Spans;

/// <summary>
/// What one service's instrumentation reported on its model calls over a window: which usage
/// fields arrived, and how many calls came without usage at all. Counts are of billing spans
/// (one per model call).
/// </summary>
public sealed record ServiceCoverage(
    string Service, long Calls, long WithoutUsage, long WithCacheTokens, long WithReasoningTokens, long WithProvidedCost,
    long Streamed, long StreamedWithoutUsage, DateTime LastSeen)
{
    public long WithUsage => Calls - WithoutUsage;

    /// <summary>What the gaps mean for the figures, in the order a team should act on them.</summary>
    public IReadOnlyList<string> Findings => UsageCoverage.Explain(this);
}

public static class UsageCoverage
{
    /// <summary>The widest window one coverage report reads from raw spans.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    /// <summary>Services listed, busiest first.</summary>
    public const int MaxServices = 200;

    public static IReadOnlyList<string> Explain(ServiceCoverage s)
    {
        var findings = new List<string>();
        if (s.WithoutUsage > 0)
        {
            var streamed = s.StreamedWithoutUsage > 0
                ? FormattableString.Invariant($" ({s.StreamedWithoutUsage} of them streamed)")
                : "";
            findings.Add(FormattableString.Invariant(
                $"{s.WithoutUsage} of {s.Calls} model calls arrived without token usage{streamed} and count as free, so this service's cost is understated. ")
                + "Several instrumentation libraries send no usage for streamed calls or embeddings; the provider SDK's own tracing, where it has one, does.");
        }

        if (s.WithUsage > 0 && s.WithCacheTokens == 0)
        {
            findings.Add("No call reported cache-read or cache-write tokens. If this service uses prompt caching, its instrumentation leaves them out "
                + "and every input token is priced in full: the cost shown is an upper bound.");
        }

        if (s.WithProvidedCost > 0)
        {
            findings.Add(FormattableString.Invariant($"{s.WithProvidedCost} calls carried their own cost, which counts instead of the catalogue price."));
        }

        if (s.WithUsage > 0 && s.WithReasoningTokens == 0)
        {
            findings.Add("No call reported reasoning tokens separately: any reasoning is priced as output, which is what most providers charge.");
        }

        return findings;
    }
}
