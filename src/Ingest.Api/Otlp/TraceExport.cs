using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// The one export path behind OTLP/HTTP and OTLP/gRPC: rate limit, normalise, price, then wait
/// until the spans are committed. Answers only after the database has them (or has not).
/// </summary>
public sealed class TraceExport(
    SpanNormaliser normaliser,
    IngestPricer pricer,
    WriteQueue queue,
    SpanRateLimiter rateLimiter,
    TollgateOptions options,
    TimeProvider time,
    ILogger<TraceExport> logger)
{
    /// <summary>Spans ready to be written, or the reason the request is refused before any work.</summary>
    public sealed record Prepared(List<SpanRecord> Spans, Rejections Rejections, IngestKeyGrant Key, ExportResult? Refused);

    /// <summary>
    /// Everything before the write, synchronously, so that nothing of the request body is held
    /// while waiting for the commit: only the compact span records wait.
    /// </summary>
    /// <exception cref="Wire.WireFormatException">The body is not a valid ExportTraceServiceRequest.</exception>
    public Prepared Prepare(ReadOnlyMemory<byte> protobuf, IngestKeyGrant key)
    {
        var rejections = new Rejections();
        var context = new IngestContext(key.ProjectId, key.CaptureContent, time.GetUtcNow().UtcDateTime, options.RetentionDays, key.Attribution);
        var spans = normaliser.Normalise(protobuf, context, rejections);
        var limit = key.RateLimitPerSecond ?? options.Ingest.DefaultRateLimitPerSecond;
        if (rateLimiter.TryAcquire(key.KeyId, limit, spans.Count + rejections.Rejected) is { } wait)
        {
            return new Prepared([], rejections, key,
                new ExportResult(ExportStatus.RateLimited, Message: $"this ingest key may send {limit} spans per second", RetryAfter: wait));
        }

        pricer.Price(spans);
        return new Prepared(spans, rejections, key, null);
    }

    public async Task<ExportResult> CommitAsync(Prepared prepared)
    {
        if (prepared.Refused is { } refused)
        {
            return refused;
        }

        var (spans, rejections, key, _) = prepared;
        var outcome = await queue.WriteAsync(spans);
        switch (outcome.Failure)
        {
            case WriteFailure.QueueFull:
                return new ExportResult(ExportStatus.Overloaded, Message: "Tollgate is receiving more spans than it can store right now; retry later", RetryAfter: outcome.RetryAfter);
            case WriteFailure.DatabaseUnavailable:
                return new ExportResult(ExportStatus.Unavailable, Message: "Tollgate cannot reach its database right now; nothing was stored, retry later", RetryAfter: outcome.RetryAfter);
            case WriteFailure.SpoolFull:
                return new ExportResult(ExportStatus.Unavailable, RetryAfter: outcome.RetryAfter,
                    Message: $"Tollgate cannot store spans right now: its database does not take them and {outcome.Reason}; nothing was stored, retry later");
            case WriteFailure.Unstorable:
                logger.LogInformation("Project {ProjectId}: {Count} spans refused by the database: {Reason}", key.ProjectId, spans.Count, outcome.Reason);
                return new ExportResult(ExportStatus.Unstorable, Rejected: spans.Count + rejections.Rejected,
                    Message: $"the database refused these spans, so none of this request was stored: {outcome.Reason}");
        }

        if (!rejections.IsEmpty)
        {
            // Bad client data is the client's to fix: log what and how much, never the payload.
            logger.LogInformation("Project {ProjectId}: {Problems}", key.ProjectId, rejections.Describe());
        }

        return ExportResult.Accepted(rejections.Rejected, rejections.IsEmpty ? null : rejections.Describe());
    }
}
