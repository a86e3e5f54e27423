namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// What the dependency map needs of one span: its place in the trace, its node, timing, error
/// status, the agent it ran under and its billing cost (null when not a billing span).
/// </summary>
public sealed record DependencySpan(
    string TraceId, string SpanId, string? ParentSpanId, string Node, DateTime Start, DateTime End, bool Error, decimal? BillingCostUsd, string? Agent = null)
{
    public double DurationMs => Math.Max(0, (End - Start).TotalMilliseconds);
}
