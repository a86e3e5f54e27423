using Microsoft.AspNetCore.Http.HttpResults;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Projects;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// Spend, summary, feature P&amp;L and orchestration figures, read from the rollups. Windows are
/// [from, to) in whole UTC hours; without them, the last seven days.
/// </summary>
public static class AnalyticsEndpoints
{
    public static void MapAnalyticsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/spend", async Task<IResult> (DateTime? from, DateTime? to, string? groupBy, string? project,
            SpendQuery query, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
        {
            groupBy ??= "team";
            if (!SpendQuery.GroupBys.Contains(groupBy))
            {
                return BadRequest("Unknown groupBy", $"groupBy must be one of {string.Join(", ", SpendQuery.GroupBys)}.");
            }

            return await WithWindowAsync(from, to, project, projects, time, (window, projectId) => query.GetAsync(window, groupBy, projectId, ct), ct);
        }).WithSummary("Spend grouped by team, feature, model, provider, service, customer or user").Produces<SpendReport>().ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/summary", async Task<IResult> (DateTime? from, DateTime? to, string? team, string? feature, string? project,
            SummaryQuery query, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
            await WithWindowAsync(from, to, project, projects, time, (window, projectId) => query.GetAsync(window, new SummaryFilter(projectId, team, feature), ct), ct))
            .WithSummary("Cost, revenue, requests and orchestration rates of a window").Produces<Summary>().ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/features/pnl", async Task<IResult> (DateTime? from, DateTime? to, string? project,
            FeaturePnlQuery query, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
            await WithWindowAsync(from, to, project, projects, time, (window, projectId) => query.GetAsync(window, projectId, ct), ct))
            .WithSummary("Revenue, cost and margin per feature, with the previous window of the same length for trends").Produces<FeaturePnl>().ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/orchestration", async Task<IResult> (DateTime? from, DateTime? to, string? project,
            OrchestrationQuery query, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
            await WithWindowAsync(from, to, project, projects, time, (window, projectId) => query.GetAsync(window, projectId, ct), ct))
            .WithSummary("Routing coverage and savings against each provider's frontier model, cache hits and savings, fallback and retry rates and chains, latency p50/p95 per model and per feature").Produces<OrchestrationReport>().ProducesProblem(400).ProducesProblem(404);
    }

    private static async Task<IResult> WithWindowAsync<T>(DateTime? from, DateTime? to, string? project, ProjectStore projects, TimeProvider time,
        Func<QueryWindow, int?, Task<T>> run, CancellationToken ct)
    {
        var window = QueryWindow.TryCreate(from, to, time.GetUtcNow().UtcDateTime, out var error);
        if (window is null)
        {
            return BadRequest("Invalid window", error!);
        }

        var (chosen, unknown) = await ProjectParameter.ResolveAsync(projects, project, ct);
        return unknown ?? (IResult)TypedResults.Ok(await run(window, chosen?.Id));
    }

    private static ProblemHttpResult BadRequest(string title, string detail) => TypedResults.Problem(statusCode: 400, title: title, detail: detail);
}
