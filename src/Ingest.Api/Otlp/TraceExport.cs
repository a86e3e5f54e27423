using Tollgate.Analytics.Configuration;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// The one export path behind OTLP/HTTP and OTLP/gRPC: rate limit, normalise, price, then wait
/// until the spans are committed. Returns only after the database has them (or has not).
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
    public async Task<ExportResult> ExportAsync(ExportTraceServiceRequest request, IngestKeyGrant key)
    {
        var count = CountSpans(request);
        if (rateLimiter.TryAcquire(key.KeyId, key.RateLimitPerSecond ?? options.Ingest.DefaultRateLimitPerSecond, count) is { } wait)
        {
            return new ExportResult(ExportStatus.RateLimited, Message: $"this ingest key may send {key.RateLimitPerSecond ?? options.Ingest.DefaultRateLimitPerSecond} spans per second", RetryAfter: wait);
        }

        var rejections = new Rejections();
        var context = new IngestContext(key.ProjectId, key.CaptureContent, time.GetUtcNow().UtcDateTime, options.RetentionDays);
        var spans = normaliser.Normalise(request, context, rejections);
        pricer.Price(spans);

        var outcome = await queue.WriteAsync(spans);
        switch (outcome.Failure)
        {
            case WriteFailure.QueueFull:
                return new ExportResult(ExportStatus.Overloaded, Message: "Tollgate is receiving more spans than it can store right now; retry later", RetryAfter: outcome.RetryAfter);
            case WriteFailure.DatabaseUnavailable:
                return new ExportResult(ExportStatus.Unavailable, Message: "Tollgate cannot reach its database right now; nothing was stored, retry later", RetryAfter: outcome.RetryAfter);
        }

        if (!rejections.IsEmpty)
        {
            // Bad client data is the client's to fix: log what and how much, never the payload.
            logger.LogInformation("Project {ProjectId}: {Problems}", key.ProjectId, rejections.Describe());
        }

        return ExportResult.Accepted(rejections.Rejected, rejections.IsEmpty ? null : rejections.Describe());
    }

    private static int CountSpans(ExportTraceServiceRequest request)
    {
        var count = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                count += scopeSpans.Spans.Count;
            }
        }

        return count;
    }
}
