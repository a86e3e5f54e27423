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

/// <summary>One row of the trace list: the trace as a whole.</summary>
public sealed record TraceSummary(
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
