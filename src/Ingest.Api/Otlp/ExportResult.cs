namespace Tollgate.Ingest.Api.Otlp;

public enum ExportStatus
{
    /// <summary>Every accepted span is committed; <see cref="ExportResult.Rejected"/> were refused for their content.</summary>
    Ok,

    /// <summary>The key sent more spans per second than it may.</summary>
    RateLimited,

    /// <summary>The write queue is full: nothing of the request was accepted.</summary>
    Overloaded,

    /// <summary>The database did not take the spans: nothing of the request was stored.</summary>
    Unavailable,

    /// <summary>The database refused the request's own spans: nothing of it was stored, and resending it will not help.</summary>
    Unstorable,
}

/// <summary>The outcome of one export, which each transport maps onto its own status codes.</summary>
public sealed record ExportResult(ExportStatus Status, long Rejected = 0, string? Message = null, TimeSpan RetryAfter = default)
{
    public static ExportResult Accepted(long rejected, string? message) => new(ExportStatus.Ok, rejected, message);
}
