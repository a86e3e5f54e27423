using System.Globalization;
using Tollgate.Analytics.Spans;

namespace Tollgate.Dashboard.Web.Api;

public sealed record TraceSpanDto(
    string SpanId, string? ParentSpanId, string Name, string? Service, string? Operation, string? Provider, string? Model,
    long? InputTokens, long? OutputTokens, long? CacheReadTokens, long? CacheWriteTokens, long? ReasoningTokens,
    decimal? CostUsd, decimal? ComputedCostUsd, decimal? ProvidedCostUsd, string? CostSource, bool Billing,
    string? Team, string? Feature, string? Customer, DateTime StartTime, DateTime EndTime, bool Error);

public sealed record TraceDto(string TraceId, decimal CostUsd, IReadOnlyList<TraceSpanDto> Spans);

public static class TracesEndpoints
{
    public static void MapTracesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/traces/{traceId}", async Task<IResult> (string traceId, int? project, SpanQuery query, CancellationToken ct) =>
        {
            if (traceId.Length != 32 || !traceId.All(char.IsAsciiHexDigit))
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid trace id", detail: "A trace id is 32 hexadecimal characters.");
            }

            var spans = await query.TraceAsync(Convert.FromHexString(traceId), project, ct);
            if (spans.Count == 0)
            {
                return TypedResults.Problem(statusCode: 404, title: "Trace not found", detail: $"No spans of trace {traceId.ToLowerInvariant()} are stored.");
            }

            var dtos = spans.Select(ToDto).ToList();
            return TypedResults.Ok(new TraceDto(traceId.ToLowerInvariant(), dtos.Where(s => s.Billing).Sum(s => s.CostUsd ?? 0), dtos));
        });
    }

    private static TraceSpanDto ToDto(SpanRecord s) => new(
        Hex(s.SpanId)!, Hex(s.ParentSpanId), s.Name, s.Service, s.Operation, s.Provider, s.Model,
        s.InputTokens, s.OutputTokens, s.CacheReadTokens, s.CacheWriteTokens, s.ReasoningTokens,
        s.ProvidedCostUsd ?? s.ComputedCostUsd, s.ComputedCostUsd, s.ProvidedCostUsd, s.CostSource, s.Billing,
        s.Team, s.Feature, s.Customer, s.StartTime, s.EndTime, s.StatusCode == 2);

    private static string? Hex(byte[]? id) => id is null ? null : Convert.ToHexString(id).ToLower(CultureInfo.InvariantCulture);
}
