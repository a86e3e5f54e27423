using Google.Protobuf;

namespace Tollgate.Ingest.Api.Otlp;

public enum ExportStatus
{
    /// <summary>Every accepted span is committed; <see cref="ExportResult.Rejected"/> were refused for their content.</summary>
    Ok,

    /// <summary>The request carries no valid ingest key.</summary>
    Unauthenticated,

    /// <summary>The body cannot be read or decoded as a message of its signal.</summary>
    Undecodable,

    /// <summary>The body is larger than the request limit, compressed or once inflated.</summary>
    TooLarge,

    /// <summary>The key sent more spans per second than it may.</summary>
    RateLimited,

    /// <summary>The memory budget or the write queue is full: nothing of the request was accepted.</summary>
    Overloaded,

    /// <summary>The database did not take the spans (or could not check the key): nothing of the request was stored.</summary>
    Unavailable,

    /// <summary>The database refused the request's own spans: nothing of it was stored, and resending it will not help.</summary>
    Unstorable,
}

/// <summary>
/// The outcome of one export, the same for every transport: each maps it onto its own status
/// codes. An accepted export carries the response message, with partial success when some items
/// were rejected; <see cref="RetryAfter"/> is set where waiting will help.
/// </summary>
public sealed record ExportResult(ExportStatus Status, long Rejected = 0, string? Message = null, TimeSpan RetryAfter = default)
{
    public IMessage? Response { get; init; }

    public static ExportResult Accepted(long rejected, string? message) => new(ExportStatus.Ok, rejected, message);

    public static ExportResult Unauthenticated { get; } =
        new(ExportStatus.Unauthenticated, Message: "a valid ingest key is required: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'");

    public static ExportResult KeyStoreUnavailable(string message) => new(ExportStatus.Unavailable, Message: message, RetryAfter: Pipeline.WriteQueue.DatabaseRetryAfter);

    public static ExportResult Overloaded { get; } =
        new(ExportStatus.Overloaded, Message: "Tollgate is receiving more data than it can hold right now; retry later", RetryAfter: Pipeline.WriteQueue.QueueFullRetryAfter);
}
