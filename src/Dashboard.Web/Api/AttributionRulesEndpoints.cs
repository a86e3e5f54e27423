using System.Security.Claims;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Dashboard.Web.Api;

public sealed record AttributionRuleInput(string? AttributeKey, string? Target, string? Project);

/// <summary>
/// Attribution mapping rules: which extra attribute keys the receiver reads as team, feature or
/// customer. They apply to spans received after the change; stored spans keep their attribution.
/// </summary>
public static class AttributionRulesEndpoints
{
    public static void MapAttributionRulesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/attribution-rules", async (AttributionRuleStore rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct)));
        api.MapPost("/attribution-rules", AddAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapPut("/attribution-rules/{id:int}", UpdateAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapDelete("/attribution-rules/{id:int}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin);
    }

    private static async Task<IResult> AddAsync(AttributionRuleInput input, ClaimsPrincipal user, AttributionRuleStore rules, TollgateOptions options,
        HttpContext http, CancellationToken ct)
    {
        if (AttributionRuleStore.Problem(input.AttributeKey, input.Target) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rule"] = [problem] }, title: "The rule cannot be added");
        }

        try
        {
            var rule = await rules.AddAsync(input.Project ?? options.DefaultProject, input.AttributeKey!, input.Target!, KeysEndpoints.Actor(user), ct);
            ReceiverKeyCache.Invalidate(http.RequestServices);
            return TypedResults.Created($"/api/v1/attribution-rules/{rule.Id}", rule);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The rule cannot be added", detail: ex.Message);
        }
    }

    /// <summary>Changes a rule's key or target in place, keeping its project and its place among the project's rules.</summary>
    private static async Task<IResult> UpdateAsync(int id, AttributionRuleInput input, ClaimsPrincipal user, AttributionRuleStore rules,
        HttpContext http, CancellationToken ct)
    {
        if (AttributionRuleStore.Problem(input.AttributeKey, input.Target) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rule"] = [problem] }, title: "The rule cannot be changed");
        }

        AttributionRule? rule;
        try
        {
            rule = await rules.UpdateAsync(id, input.AttributeKey!, input.Target!, KeysEndpoints.Actor(user), ct);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The rule cannot be changed", detail: ex.Message);
        }

        if (rule is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such rule", detail: $"There is no attribution rule {id}.");
        }

        ReceiverKeyCache.Invalidate(http.RequestServices);
        return TypedResults.Ok(rule);
    }

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, AttributionRuleStore rules, HttpContext http, CancellationToken ct)
    {
        if (!await rules.DeleteAsync(id, KeysEndpoints.Actor(user), ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such rule", detail: $"There is no attribution rule {id}.");
        }

        ReceiverKeyCache.Invalidate(http.RequestServices);
        return TypedResults.NoContent();
    }
}
