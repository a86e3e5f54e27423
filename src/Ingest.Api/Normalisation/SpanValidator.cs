namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Decides whether a span can be stored: ids of the right length and not all zero, a start and an
/// end in that order, a start within the project's retention period and at most
/// <see cref="SpanNormaliser.MaxClockSkew"/> ahead of the server's clock.
/// </summary>
internal readonly struct SpanValidator(IngestContext context)
{
    private readonly DateTime _oldest = context.NowUtc.AddDays(-context.RetentionDays);
    private readonly DateTime _newest = context.NowUtc + SpanNormaliser.MaxClockSkew;

    /// <summary>Why the span is rejected, completing "N spans rejected ..."; null for a valid span.</summary>
    public string? ReasonToReject(ReadOnlySpan<byte> buffer, in WireSpan span)
    {
        if (span.TraceId.Length != 16 || WireSpan.IsAllZero(buffer.Slice(span.TraceId.Start, span.TraceId.Length)))
        {
            return "with an invalid trace id (must be 16 bytes, not all zero)";
        }

        if (span.SpanId.Length != 8 || WireSpan.IsAllZero(buffer.Slice(span.SpanId.Start, span.SpanId.Length)))
        {
            return "with an invalid span id (must be 8 bytes, not all zero)";
        }

        if (span.ParentSpanId.Length is not (0 or 8))
        {
            return "with an invalid parent span id (must be empty or 8 bytes)";
        }

        if (span.Start == 0)
        {
            return "with no start time";
        }

        if (span.End == 0)
        {
            return "with no end time";
        }

        if (span.End < span.Start)
        {
            return "ending before they start";
        }

        var start = SpanNormaliser.FromUnixNanos(span.Start);
        if (start < _oldest)
        {
            return "older than the retention period";
        }

        return start > _newest ? "starting more than a day in the future" : null;
    }
}
