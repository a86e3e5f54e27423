using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tollgate.Analytics.Benchmarks;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Maturity;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Scenarios;

namespace Tollgate.Dashboard.Web.Api;

public sealed record NodeDto(string Id, string Kind, string Label, long CallsIn, decimal CostUsd);

public sealed record EdgeDto(string Source, string Target, long Calls, long Errors, decimal CostUsd, double? P95Ms, DateTime FirstSeen, bool IsNew);

public sealed record DependenciesDto(DateTime From, DateTime To, IReadOnlyList<NodeDto> Nodes, IReadOnlyList<EdgeDto> Edges, bool Truncated);

public sealed record CriterionDto(int Level, string Name, bool Met, string Evidence);

public sealed record MaturityDto(int Level, string Name, int Score, IReadOnlyList<CriterionDto> Criteria, MaturityNextStep? NextStep, DateTime From, DateTime To);

/// <summary>A published band edge: exactly one of Above / Below, or From and To for a range.</summary>
/// <summary>The published figures a metric's bands come from, as <c>PUT /benchmarks/bands/{metric}</c> sets them.</summary>
public sealed record PublishedBandsDto(decimal Low, decimal MedianFrom, decimal MedianTo, decimal Elite);

/// <summary>
/// One metric against its bands. <c>low</c>, <c>median</c> and <c>elite</c> cover the whole scale
/// (every value is in exactly one, the one <c>band</c> names); <c>published</c> holds the industry
/// figures they come from, whose bands leave gaps.
/// </summary>
public sealed record BenchmarkRowDto(string Metric, string Label, string Unit, decimal? Value, string? Band, BandRange Low, BandRange Median, BandRange Elite,
    PublishedBandsDto Published);

public sealed record BenchmarksDto(DateTime From, DateTime To, IReadOnlyList<BenchmarkRowDto> Rows);

public sealed record BandsInput(decimal? Low, decimal? MedianFrom, decimal? MedianTo, decimal? Elite);

public sealed record ScenarioInput(
    DateTime? From, DateTime? To, decimal? VolumeMultiplier, decimal? SmallShare, decimal? MidShare, decimal? FrontierShare,
    decimal? CacheHitRateDelta, List<ModelPriceChange>? ModelPriceChanges);

/// <summary>Dependency map and orchestration debt, maturity, industry benchmarks and what-if scenarios.</summary>
public static class InsightsEndpoints
{
    public static void MapInsightsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/dependencies", async Task<IResult> (DateTime? from, DateTime? to, string? project, DependencyMap map, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
        {
            var (window, problem) = await WindowAsync(from, to, project, projects, time, ct);
            if (problem is not null)
            {
                return problem;
            }

            var graph = await map.LoadAsync(window!, ct);
            return TypedResults.Ok(new DependenciesDto(graph.From, graph.To,
                [.. graph.Nodes.Select(n => new NodeDto(n.Id, n.Kind, n.Label, n.CallsIn, n.CostUsdIn))],
                [.. graph.Edges.Select(e => new EdgeDto(e.Source, e.Target, e.Calls, e.Errors, e.CostUsd, e.P95Ms, e.FirstSeen, e.IsNew))],
                graph.Truncated));
        });

        api.MapGet("/dependencies/debt", async Task<IResult> (DateTime? from, DateTime? to, string? project, DebtLoader debt, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
        {
            var (window, problem) = await WindowAsync(from, to, project, projects, time, ct);
            return problem ?? TypedResults.Ok(await debt.LoadAsync(window!, ct));
        });

        api.MapGet("/maturity", async Task<IResult> (DateTime? from, DateTime? to, string? project, OrganisationFiguresLoader figures, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
        {
            var (window, problem) = await WindowAsync(from, to, project, projects, time, ct);
            if (problem is not null)
            {
                return problem;
            }

            var result = MaturityAssessment.Assess(await figures.LoadAsync(window!, ct));
            return TypedResults.Ok(new MaturityDto(result.Level, result.Name, result.Score,
                [.. result.Criteria.Select(c => new CriterionDto(c.Level, c.Name, c.Met, c.Evidence))], result.NextStep, window!.From, window.To));
        });

        api.MapGet("/benchmarks", async Task<IResult> (DateTime? from, DateTime? to, string? project, OrganisationFiguresLoader figures, BenchmarkBandStore bands,
            ProjectStore projects, TimeProvider time, CancellationToken ct) =>
        {
            var (window, problem) = await WindowAsync(from, to, project, projects, time, ct);
            if (problem is not null)
            {
                return problem;
            }

            var rows = BenchmarkReport.Build(await figures.LoadAsync(window!, ct), await bands.ListAsync(ct));
            return TypedResults.Ok(new BenchmarksDto(window!.From, window.To, [.. rows.Select(ToDto)]));
        });

        api.MapPut("/benchmarks/bands/{metric}", async Task<IResult> (string metric, BandsInput? input, ClaimsPrincipal user, BenchmarkBandStore bands, CancellationToken ct) =>
        {
            if (input is not { Low: { } low, MedianFrom: { } medianFrom, MedianTo: { } medianTo, Elite: { } elite })
            {
                return Invalid("Bands not changed", "The body must be { low, medianFrom, medianTo, elite } with numbers (fractions, or USD for cost per request).");
            }

            try
            {
                var updated = await bands.UpdateAsync(metric, low, medianFrom, medianTo, elite, user.Identity?.Name ?? "unknown", ct);
                return updated is null
                    ? TypedResults.Problem(statusCode: 404, title: "Unknown metric", detail: $"There is no benchmark metric '{metric}'; GET /api/v1/benchmarks lists them.")
                    : TypedResults.Ok(ToDto(new BenchmarkRow(updated, null, null)));
            }
            catch (ArgumentException ex)
            {
                return Invalid("Bands not changed", ex.Message);
            }
        }).RequireAuthorization(ApiPolicies.Admin);

        api.MapPost("/scenarios", async Task<IResult> (ScenarioInput? input, string? project, OrganisationFiguresLoader figures, ProjectStore projects, TimeProvider time, CancellationToken ct) =>
        {
            if (input is null)
            {
                return Invalid("Scenario not projected", "The body must be { from, to, volumeMultiplier, smallShare?, midShare?, frontierShare?, cacheHitRateDelta?, modelPriceChanges? }.");
            }

            var scenario = new Scenario(input.VolumeMultiplier ?? 1m, input.SmallShare, input.MidShare, input.FrontierShare,
                input.CacheHitRateDelta ?? 0m, input.ModelPriceChanges);
            if (scenario.Problem() is { } scenarioProblem)
            {
                return Invalid("Scenario not projected", scenarioProblem);
            }

            var (window, problem) = await WindowAsync(input.From, input.To, project, projects, time, ct);
            return problem ?? TypedResults.Ok(ScenarioProjection.Project(await figures.LoadAsync(window!, ct), scenario));
        });
    }

    private static BenchmarkRowDto ToDto(BenchmarkRow row)
    {
        var b = row.Bands;
        var ranges = b.Ranges;
        return new(b.Metric, b.Label, b.Unit, row.Value, row.Band, ranges.Low, ranges.Median, ranges.Elite,
            new PublishedBandsDto(b.LowBound, b.MedianFrom, b.MedianTo, b.EliteBound));
    }

    /// <summary>The window (default: the last 30 days) and project (by name or id; all when absent), or the problem to answer.</summary>
    private static async Task<(QueryWindow? Window, IResult? Problem)> WindowAsync(
        DateTime? from, DateTime? to, string? project, ProjectStore projects, TimeProvider time, CancellationToken ct)
    {
        var (chosen, unknown) = await ProjectParameter.ResolveAsync(projects, project, ct);
        if (unknown is not null)
        {
            return (null, unknown);
        }

        if (QueryTimes.Problem(from, to) is { } outOfRange)
        {
            return (null, Invalid("Invalid window", outOfRange));
        }

        var window = QueryWindow.Resolve(from, to, chosen?.Id, time.GetUtcNow().UtcDateTime);
        return window.Problem() is { } problem ? (null, Invalid("Invalid window", problem)) : (window, null);
    }

    private static ProblemHttpResult Invalid(string title, string detail) => TypedResults.Problem(statusCode: 400, title: title, detail: detail);
}
