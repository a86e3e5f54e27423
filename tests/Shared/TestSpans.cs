using Tollgate.Analytics.Spans;

namespace Tollgate.Testing;

/// <summary>Spans as the ingest pipeline would hand them to SpanWriter, for tests that need exact shapes and times.</summary>
internal static class TestSpans
{
    /// <summary>A 16-byte trace id whose last bytes are <paramref name="n"/>.</summary>
    public static byte[] TraceId(int n)
    {
        var id = new byte[16];
        id[0] = 0xEF;
        BitConverter.TryWriteBytes(id.AsSpan(8), (long)n);
        return id;
    }

    public static byte[] SpanId(int trace, int n)
    {
        var id = new byte[8];
        id[0] = 0x5A;
        BitConverter.TryWriteBytes(id.AsSpan(1), trace);
        id[7] = (byte)n;
        return id;
    }

    /// <summary>A plain span of <paramref name="service"/> lasting <paramref name="ms"/> milliseconds.</summary>
    public static SpanRecord Span(int projectId, int trace, int id, int? parent, string service, DateTime start, int ms = 100) => new()
    {
        ProjectId = projectId,
        TraceId = TraceId(trace),
        SpanId = SpanId(trace, id),
        ParentSpanId = parent is { } p ? SpanId(trace, p) : null,
        Service = service,
        Name = "work",
        Kind = 1,
        StartTime = start,
        EndTime = start.AddMilliseconds(ms),
    };

    /// <summary>A root span that sets team and feature for its trace.</summary>
    public static SpanRecord Root(int projectId, int trace, int id, string service, DateTime start, string? team = null, string? feature = null, int ms = 1000)
    {
        var span = Span(projectId, trace, id, null, service, start, ms);
        span.Team = team;
        span.Feature = feature;
        span.AttributionExplicit = (team is null ? 0 : Attribution.Team) | (feature is null ? 0 : Attribution.Feature);
        return span;
    }

    /// <summary>A chat call on provider/model with a provided cost (null: unpriced).</summary>
    public static SpanRecord Chat(int projectId, int trace, int id, int parent, string service, DateTime start, string provider, string model,
        decimal? cost, int ms = 400, int? priceId = null)
    {
        var span = Span(projectId, trace, id, parent, service, start, ms);
        span.Name = "chat " + model;
        span.Operation = "chat";
        span.IsInference = true;
        span.Provider = provider;
        span.Model = model;
        span.InputTokens = 1000;
        span.OutputTokens = 100;
        span.ProvidedCostUsd = cost;
        span.CostSource = cost is null ? null : "provided";
        span.PriceId = priceId;
        return span;
    }
}
