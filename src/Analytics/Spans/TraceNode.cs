namespace Tollgate.Analytics.Spans;

/// <summary>
/// What <see cref="TraceResolver"/> needs of one span of a trace, whether it arrived in this
/// batch or was stored by an earlier one.
/// </summary>
public sealed class TraceNode
{
    public required byte[] SpanId { get; init; }
    public byte[]? ParentSpanId { get; init; }
    public DateTime StartTime { get; init; }
    public Attribution Explicit { get; init; }
    public string? OwnTeam { get; init; }
    public string? OwnFeature { get; init; }
    public string? OwnCustomer { get; init; }
    public bool IsInference { get; init; }
    public bool HasUsage { get; init; }
    public string? ResponseId { get; init; }

    // Resolved values.
    public string? Team { get; set; }
    public string? Feature { get; set; }
    public string? Customer { get; set; }
    public bool Billing { get; set; }
}
