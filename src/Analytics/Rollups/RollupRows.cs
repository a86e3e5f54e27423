namespace Tollgate.Analytics.Rollups;

/// <summary>The key of a row of rollup_spans_*: one combination of the attribution dimensions in one bucket.</summary>
public readonly record struct SpanRowKey(
    DateTime Bucket, int ProjectId, string? Team, string? Feature, string? Customer, string? Model, string? Provider, string? Service, string? Tier);

/// <summary>
/// The key of a row of rollup_features_*: the span key without customer and service, and whether
/// the calls belong to routed requests (a span of the trace carries the routing decision), for what
/// routing saved.
/// </summary>
public readonly record struct FeatureRowKey(DateTime Bucket, int ProjectId, string? Team, string? Feature, string? Model, string? Provider, string? Tier, bool Routed);

/// <summary>The measures of billing calls; additive.</summary>
public sealed class CallMeasures
{
    public long Calls { get; set; }
    public long Errors { get; set; }
    public long UnpricedCalls { get; set; }
    public decimal CostUsd { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CacheReadTokens { get; set; }
    public long CacheWriteTokens { get; set; }
    public long ReasoningTokens { get; set; }
    public long FallbackCalls { get; set; }
    public long RetryCalls { get; set; }
    public long DurationMsSum { get; set; }
    public long CustomModelCalls { get; set; }

    public void Add(RollupSpan span, bool fallback, bool retry)
    {
        Calls++;
        Errors += span.IsError ? 1 : 0;
        UnpricedCalls += span.CostUsd is null ? 1 : 0;
        CostUsd += span.CostUsd ?? 0m;
        InputTokens += span.InputTokens;
        OutputTokens += span.OutputTokens;
        CacheReadTokens += span.CacheReadTokens;
        CacheWriteTokens += span.CacheWriteTokens;
        ReasoningTokens += span.ReasoningTokens;
        FallbackCalls += fallback ? 1 : 0;
        RetryCalls += retry ? 1 : 0;
        DurationMsSum += span.DurationMs;
        CustomModelCalls += span.CustomModel ? 1 : 0;
    }
}

/// <summary>The key of a row of rollup_traces_*: the trace's own team and feature.</summary>
public readonly record struct TraceRowKey(DateTime Bucket, int ProjectId, string? Team, string? Feature);

/// <summary>Request (trace) measures; additive.</summary>
public sealed class RequestMeasures
{
    public long Requests { get; set; }
    public long RoutedRequests { get; set; }
    public long CacheHitRequests { get; set; }
    public long FallbackRequests { get; set; }
    public long RetryRequests { get; set; }
    public long ErrorRequests { get; set; }
    public decimal CostUsd { get; set; }
    public decimal CacheHitCostUsd { get; set; }
    public long DurationMsSum { get; set; }

    /// <summary>Guardrail and evaluation spans of the requests, billing or not.</summary>
    public long QualityCheckSpans { get; set; }

    /// <summary>Routed requests by the tier the router chose (see <see cref="RollupBuilder"/>).</summary>
    public long RoutedSmall { get; set; }
    public long RoutedMid { get; set; }
    public long RoutedFrontier { get; set; }
}

/// <summary>The key of a row of rollup_keys_*: one value of one dimension in one bucket.</summary>
public readonly record struct KeyRowKey(DateTime Bucket, int ProjectId, string Dimension, string? Key);

/// <summary>Measures of one dimension value; the histogram only on model and feature rows.</summary>
public sealed class KeyMeasures
{
    public long Requests { get; set; }
    public CallMeasures Calls { get; } = new();
    public long[]? LatencyHistogram { get; set; }
}

/// <summary>The dimension names of rollup_keys_*.</summary>
public static class RollupDimensions
{
    public const string Team = "team";
    public const string Feature = "feature";
    public const string Customer = "customer";
    public const string Model = "model";
    public const string Provider = "provider";
    public const string Service = "service";
    public const string User = "user";

    /// <summary>Fallback chains: key "from → to", calls = how many times.</summary>
    public const string FallbackChain = "fallback";

    /// <summary>Retry chains: key "model → model", calls = how many times.</summary>
    public const string RetryChain = "retry";

    public const string ChainArrow = " → ";

    public static IReadOnlyList<string> Spend { get; } = [Team, Feature, Customer, Model, Provider, Service, User];
}

/// <summary>Everything one recomputation writes for its hours.</summary>
public sealed record RollupRows(
    Dictionary<SpanRowKey, CallMeasures> Spans,
    Dictionary<FeatureRowKey, CallMeasures> Features,
    Dictionary<TraceRowKey, RequestMeasures> Traces,
    Dictionary<KeyRowKey, KeyMeasures> Keys)
{
    public int Count => Spans.Count + Features.Count + Traces.Count + Keys.Count;
}
