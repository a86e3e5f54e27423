namespace Tollgate.Analytics.Spans;

/// <summary>What the trace list is filtered by; null or empty fields do not filter.</summary>
public sealed record TraceFilter
{
    public int? ProjectId { get; init; }
    public required DateTime FromUtc { get; init; }
    public required DateTime ToUtc { get; init; }
    public string? Team { get; init; }
    public string? Feature { get; init; }
    public string? Customer { get; init; }
    public string? Model { get; init; }
    public bool ErrorsOnly { get; init; }

    /// <summary>Only traces whose billing cost is strictly above this (USD).</summary>
    public decimal? MinCostUsd { get; init; }
}

/// <summary>One row of the trace list: one project's trace as a whole.</summary>
public sealed record TraceSummary(
    int ProjectId,
    byte[] TraceId,
    DateTime StartTime,
    DateTime EndTime,
    string? RootName,
    string? Service,
    string? Team,
    string? Feature,
    string? Customer,
    IReadOnlyList<string> Models,
    decimal CostUsd,
    int Spans,
    int Errors);

/// <summary>One page of the trace list and whether another follows.</summary>
public sealed record TracePage(IReadOnlyList<TraceSummary> Traces, bool HasMore);

/// <summary>
/// A trace looked up by id: its project and spans, or, when the id was not given a project and
/// several projects hold it, no spans and those projects.
/// </summary>
public sealed record FoundTrace(int? ProjectId, IReadOnlyList<SpanRecord> Spans, IReadOnlyList<int> Projects)
{
    public bool IsAmbiguous => ProjectId is null && Projects.Count > 1;
}
