namespace Tollgate.Analytics.Storage.Entities;

/// <summary>A span as stored. Written by <c>SpanWriter</c> through binary COPY; read through EF.</summary>
public sealed class StoredSpan
{
    public int ProjectId { get; set; }
    public required byte[] TraceId { get; set; }
    public required byte[] SpanId { get; set; }
    public byte[]? ParentSpanId { get; set; }
    public string? Service { get; set; }
    public required string Name { get; set; }
    public short Kind { get; set; }
    public DateTime StartTime { get; set; }
    public DateTime EndTime { get; set; }
    public short StatusCode { get; set; }
    public string? StatusMessage { get; set; }
    public string? Operation { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public long? CacheReadTokens { get; set; }
    public long? CacheWriteTokens { get; set; }
    public long? ReasoningTokens { get; set; }
    public decimal? ProvidedCostUsd { get; set; }
    public decimal? ComputedCostUsd { get; set; }
    public string? CostSource { get; set; }
    public int? PriceId { get; set; }
    public bool Billing { get; set; }
    public string? Team { get; set; }
    public string? Feature { get; set; }
    public string? Customer { get; set; }
    public string? UserId { get; set; }
    public string? SessionId { get; set; }
    public string? Agent { get; set; }
    public string? Tool { get; set; }
    public short AttributionExplicit { get; set; }
    public bool CacheHit { get; set; }
    public string? RouteDecision { get; set; }
    public string? RouteTier { get; set; }
    public bool Fallback { get; set; }
    public int RetryAttempt { get; set; }
    public string? Attributes { get; set; }
    public DateTime IngestedAt { get; set; }
}
