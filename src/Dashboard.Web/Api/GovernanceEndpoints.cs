using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// The governance check orchestrators call before an expensive model call, answered from memory,
/// and the weekly digest sent on demand.
/// </summary>
public static class GovernanceEndpoints
{
    public static void MapGovernanceApi(this RouteGroupBuilder api)
    {
        api.MapPost("/governance/check", Check);
        api.MapPost("/digests/send", SendDigestAsync).RequireAuthorization(ApiPolicies.Admin);
    }

    private static IResult Check(GovernanceRequest request, GovernanceCheck check, TollgateOptions options)
    {
        if (request.EstimatedCostUsd is < 0m)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["estimatedCostUsd"] = ["Give the call's estimated cost in US dollars, 0 or more, or leave it out."] },
                title: "The governance check is not valid");
        }

        return TypedResults.Ok(check.Decide(request, options.DefaultProject));
    }

    private static async Task<IResult> SendDigestAsync(string? team, DateTime? weekStart, WeeklyDigest digests, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(team))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["team"] = ["Give the team whose digest to send: ?team=checkout."] },
                title: "The digest cannot be sent");
        }

        var digest = await digests.BuildAsync(team.Trim(), (weekStart ?? time.GetUtcNow().UtcDateTime).ToUniversalTime(), ct);
        var deliveries = await digests.SendAsync(digest, ct);
        if (deliveries.Count == 0)
        {
            return TypedResults.Problem(statusCode: 422, title: "No channel for the digest",
                detail: $"Team {team} has no budget with a channel and no digest channel is configured: add a team budget with a webhook, "
                    + "or set Tollgate:Budgets:DigestWebhookUrl.");
        }

        return TypedResults.Ok(new { digest, deliveries });
    }
}
