namespace Tollgate.Analytics.Spans;

/// <summary>Which attribution values a span set itself rather than inherited (a bit set).</summary>
[Flags]
public enum Attribution : short
{
    None = 0,
    Team = 1,
    Feature = 2,
    Customer = 4,
}

/// <summary>
/// One span: the row that <see cref="SpanWriter"/> stores after normalisation and pricing, and
/// what <see cref="SpanQuery"/> reads back. Before writing, team, feature and customer hold the
/// span's own values until <see cref="TraceResolver"/> fills in what it inherits from its trace.
/// </summary>
public sealed class SpanRecord
{
    public int ProjectId { get; set; }
    public required byte[] TraceId { get; init; }
    public required byte[] SpanId { get; init; }
    public byte[]? ParentSpanId { get; init; }
    public string? Service { get; set; }
    public string Name { get; set; } = "";
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
    public Attribution AttributionExplicit { get; set; }
    public bool CacheHit { get; set; }
    public string? RouteDecision { get; set; }
    public string? RouteTier { get; set; }
    public bool Fallback { get; set; }
    public int RetryAttempt { get; set; }
    public string? AttributesJson { get; set; }

    /// <summary>gen_ai.response.id: spans of one trace with the same one are one model call.</summary>
    public string? ResponseId { get; set; }

    /// <summary>Set by the database when the row is written.</summary>
    public DateTime IngestedAt { get; set; }

    /// <summary>An inference operation (chat, embeddings...): always a billing span.</summary>
    public bool IsInference { get; set; }

    public bool HasUsage => InputTokens is not null || OutputTokens is not null || ProvidedCostUsd is not null;

    public bool IsRoot => ParentSpanId is null;
}
