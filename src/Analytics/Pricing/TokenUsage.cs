namespace Tollgate.Analytics.Pricing;

/// <summary>
/// Token counts of one call, with OpenTelemetry GenAI semantics: <see cref="Input"/> includes the
/// cache-read and cache-write tokens, <see cref="Output"/> includes the reasoning tokens. A null
/// count was not reported.
/// </summary>
public readonly record struct TokenUsage(long? Input, long? Output, long? CacheRead, long? CacheWrite, long? Reasoning)
{
    /// <summary>True when at least one count was reported (a reported zero counts).</summary>
    public bool HasUsage => Input is not null || Output is not null || CacheRead is not null || CacheWrite is not null || Reasoning is not null;
}
