using System.Globalization;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Spans;

namespace Tollgate.Dashboard.Web.Api;

public sealed record TraceSpanDto(
    string SpanId, string? ParentSpanId, string Name, string? Service, string? Operation, string? Provider, string? Model,
    long? InputTokens, long? OutputTokens, long? CacheReadTokens, long? CacheWriteTokens, long? ReasoningTokens,
    decimal? CostUsd, decimal? ComputedCostUsd, decimal? ProvidedCostUsd, string? CostSource, bool Billing,
    string? Team, string? Feature, string? Customer, DateTime StartTime, DateTime EndTime, bool Error);

public sealed record TraceDto(string TraceId, string Project, decimal CostUsd, IReadOnlyList<TraceSpanDto> Spans);

public static class TracesEndpoints
{
    public static void MapTracesApi(this RouteGroupBuilder api)
    {
        // project: a project's name (or, as before, its id); needed only when several projects sent the same trace id.
        api.MapGet("/traces/{traceId}", async Task<IResult> (string traceId, string? project, SpanQuery query, ProjectStore projects, CancellationToken ct) =>
        {
            if (traceId.Length != 32 || !traceId.All(char.IsAsciiHexDigit))
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid trace id", detail: "A trace id is 32 hexadecimal characters.");
            }

            var (chosen, unknown) = await ProjectParameter.ResolveAsync(projects, project, ct);
            if (unknown is not null)
            {
                return unknown;
            }

            var id = traceId.ToLowerInvariant();
            var found = await query.FindTraceAsync(Convert.FromHexString(traceId), chosen?.Id, ct);
            var known = chosen is null ? await projects.ListAsync(ct) : [chosen];
            if (found.IsAmbiguous)
            {
                var names = string.Join(", ", found.Projects.Select(p => known.FirstOrDefault(k => k.Id == p)?.Name ?? p.ToString(CultureInfo.InvariantCulture)));
                return TypedResults.Problem(statusCode: 409, title: "Trace id used by several projects",
                    detail: $"Projects {names} each sent spans of trace {id}: add ?project=<name> to choose one.");
            }

            if (found.Spans.Count == 0)
            {
                return TypedResults.Problem(statusCode: 404, title: "Trace not found", detail: $"No spans of trace {id} are stored.");
            }

            var dtos = found.Spans.Select(ToDto).ToList();
            var name = known.FirstOrDefault(p => p.Id == found.ProjectId)?.Name ?? "";
            return TypedResults.Ok(new TraceDto(id, name, dtos.Where(s => s.Billing).Sum(s => s.CostUsd ?? 0), dtos));
        });
    }

    private static TraceSpanDto ToDto(SpanRecord s) => new(
        Hex(s.SpanId)!, Hex(s.ParentSpanId), s.Name, s.Service, s.Operation, s.Provider, s.Model,
        s.InputTokens, s.OutputTokens, s.CacheReadTokens, s.CacheWriteTokens, s.ReasoningTokens,
        s.ProvidedCostUsd ?? s.ComputedCostUsd, s.ComputedCostUsd, s.ProvidedCostUsd, s.CostSource, s.Billing,
        s.Team, s.Feature, s.Customer, s.StartTime, s.EndTime, s.StatusCode == 2);

    private static string? Hex(byte[]? id) => id is null ? null : Convert.ToHexString(id).ToLower(CultureInfo.InvariantCulture);
}
