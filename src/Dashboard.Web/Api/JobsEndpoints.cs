using Tollgate.Analytics.Jobs;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>The scheduled jobs' recent runs: which instance ran them, when, and how it went.</summary>
public static class JobsEndpoints
{
    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs", async (JobRunLog log, CancellationToken ct) => TypedResults.Ok(new { Jobs = await log.ListAsync(ct) }))
            .WithSummary("Recent runs of each scheduled job, newest first");
    }
}
