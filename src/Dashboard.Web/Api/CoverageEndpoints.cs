using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Spans;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>One service's instrumentation over the window, with what its gaps mean for the figures.</summary>
public sealed record ServiceCoverageDto(
    string Service, long Calls, long CallsWithUsage, long CallsWithoutUsage, long CallsWithCacheTokens, long CallsWithReasoningTokens,
    long CallsWithProvidedCost, long StreamedCalls, long StreamedCallsWithoutUsage, DateTime LastSeen, IReadOnlyList<string> Findings);

public sealed record UsageCoverageDto(string Project, DateTime From, DateTime To, IReadOnlyList<ServiceCoverageDto> Services);

public static class CoverageEndpoints
{
    /// <summary>The default look-back: a day of traffic shows what a service's instrumentation sends.</summary>
    public const int DefaultHours = 24;

    public static void MapCoverageApi(this RouteGroupBuilder api)
    {
        api.MapGet("/ingest/coverage", async Task<IResult> (string? project, int? hours, SpanQuery query, ProjectStore projects, TollgateOptions options,
            TimeProvider time, CancellationToken ct) =>
        {
            var maxHours = (int)UsageCoverage.MaxWindow.TotalHours;
            if (hours is < 1 || hours > maxHours)
            {
                return TypedResults.Problem(statusCode: 400, title: "Invalid hours",
                    detail: $"hours is the look-back in hours, from 1 to {maxHours} (default {DefaultHours}).");
            }

            // Coverage is per project: without one, the default project's.
            var (chosen, unknown) = await ProjectParameter.ResolveAsync(projects, string.IsNullOrWhiteSpace(project) ? options.DefaultProject : project, ct);
            if (chosen is null)
            {
                return unknown!;
            }

            var to = time.GetUtcNow().UtcDateTime;
            var from = to.AddHours(-(hours ?? DefaultHours));
            var services = await query.UsageCoverageAsync(chosen.Id, from, to, ct);
            return TypedResults.Ok(new UsageCoverageDto(chosen.Name, from, to, services.Select(ToDto).ToList()));
        })
        .WithSummary("Per service, which usage fields its instrumentation sent on model calls, how many calls had none, and what that means for the figures");
    }

    private static ServiceCoverageDto ToDto(ServiceCoverage s) => new(
        s.Service, s.Calls, s.WithUsage, s.WithoutUsage, s.WithCacheTokens, s.WithReasoningTokens, s.WithProvidedCost,
        s.Streamed, s.StreamedWithoutUsage, s.LastSeen, s.Findings);
}
