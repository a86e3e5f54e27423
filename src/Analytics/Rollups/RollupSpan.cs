namespace Tollgate.Analytics.Rollups;

/// <summary>The columns of one stored span that the rollups need, with its tier already resolved.</summary>
public sealed class RollupSpan
{
    /// <summary>OTLP STATUS_CODE_ERROR.</summary>
    public const short ErrorStatus = 2;

    public int ProjectId { get; init; }
    public required byte[] TraceId { get; init; }
    public required byte[] SpanId { get; init; }
    public byte[]? ParentSpanId { get; init; }
    public string? Service { get; init; }
    public DateTime StartTime { get; init; }
    public DateTime EndTime { get; init; }
    public short StatusCode { get; init; }
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long ReasoningTokens { get; init; }

    /// <summary>coalesce(provided, computed): null when the span could not be priced.</summary>
    public decimal? CostUsd { get; init; }
    public bool Billing { get; init; }
    public string? Team { get; init; }
    public string? Feature { get; init; }
    public string? Customer { get; init; }
    public string? UserId { get; init; }
    public bool CacheHit { get; init; }
    public bool Routed { get; init; }
    public string? Tier { get; init; }
    public bool Fallback { get; init; }
    public int RetryAttempt { get; init; }

    /// <summary>A call on a custom-priced or fine-tuned model.</summary>
    public bool CustomModel { get; init; }

    /// <summary>A guardrail or evaluation span.</summary>
    public bool QualityCheck { get; init; }

    public bool IsError => StatusCode == ErrorStatus;

    public bool IsRoot => ParentSpanId is null;

    public long DurationMs => Math.Max(0, (EndTime - StartTime).Ticks / TimeSpan.TicksPerMillisecond);
}
