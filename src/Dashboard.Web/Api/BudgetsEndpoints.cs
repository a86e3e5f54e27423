using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>Budgets (admins change, everyone signed in reads), their status, alert history and a test alert.</summary>
public static class BudgetsEndpoints
{
    public static void MapBudgetsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/budgets", async (BudgetStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)));
        api.MapPost("/budgets", CreateAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapGet("/budgets/{id:int}", GetAsync);
        api.MapPut("/budgets/{id:int}", UpdateAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapDelete("/budgets/{id:int}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin);
        api.MapGet("/budgets/{id:int}/status", StatusAsync);
        api.MapGet("/budgets/{id:int}/alerts", AlertsAsync);
        api.MapPost("/budgets/{id:int}/test-alert", TestAlertAsync).RequireAuthorization(ApiPolicies.Admin);
    }

    private static async Task<IResult> CreateAsync(BudgetInput input, ClaimsPrincipal user, BudgetStore store, TollgateOptions options, CancellationToken ct)
    {
        var (definition, errors) = BudgetRules.Check(input, options.DefaultProject, options.Smtp.IsConfigured);
        if (definition is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The budget cannot be created");
        }

        return await store.CreateAsync(definition, KeysEndpoints.Actor(user), ct) is { } budget
            ? TypedResults.Created($"/api/v1/budgets/{budget.Id}", budget)
            : TypedResults.Problem(statusCode: 409, title: "Too many budgets",
                detail: $"At most {BudgetStore.MaxBudgets} budgets can be kept; delete budgets that are no longer used.");
    }

    private static async Task<IResult> GetAsync(int id, BudgetStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } budget ? TypedResults.Ok(budget) : NotFound(id);

    private static async Task<IResult> UpdateAsync(int id, BudgetInput input, ClaimsPrincipal user, BudgetStore store, TollgateOptions options, CancellationToken ct)
    {
        var (definition, errors) = BudgetRules.Check(input, options.DefaultProject, options.Smtp.IsConfigured);
        if (definition is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The budget cannot be saved");
        }

        return await store.UpdateAsync(id, definition, KeysEndpoints.Actor(user), ct) is { } budget ? TypedResults.Ok(budget) : NotFound(id);
    }

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, BudgetStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, KeysEndpoints.Actor(user), ct) is null ? NotFound(id) : TypedResults.NoContent();

    // Answered from memory: the budget list and spend the tracker holds.
    private static IResult StatusAsync(int id, SpendTracker tracker, TimeProvider time) =>
        tracker.Budgets.Find(id) is { } budget
            ? TypedResults.Ok(BudgetStatus.Of(budget, tracker.Figures(budget, time.GetUtcNow().UtcDateTime)))
            : NotFound(id);

    private static async Task<IResult> AlertsAsync(int id, BudgetStore store, AlertHistory history, CancellationToken ct) =>
        await store.GetAsync(id, ct) is null ? NotFound(id) : TypedResults.Ok(await history.ListAsync(id, ct));

    private static async Task<IResult> TestAlertAsync(
        int id, BudgetStore store, SpendTracker tracker, AlertSender sender, BudgetOptions options, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } budget)
        {
            return NotFound(id);
        }

        var channels = AlertChannels.Of(budget).ToList();
        if (channels.Count == 0)
        {
            return TypedResults.Problem(statusCode: 422, title: "The budget has no channel",
                detail: "Add a webhookUrl, slackWebhookUrl or emailRecipients to the budget, then send the test again.");
        }

        var figures = tracker.Figures(budget, time.GetUtcNow().UtcDateTime);
        var message = AlertMessage.Build(budget, null, figures.SpentUsd, figures.ForecastUsd, figures.PeriodStart, figures.PeriodEnd, [], options.PublicUrl);
        var outcomes = new List<DeliveryOutcome>();
        foreach (var (channel, target) in channels)
        {
            outcomes.Add(await sender.SendAsync(channel, target, message, ct));
        }

        return TypedResults.Ok(new { deliveries = outcomes });
    }

    private static ProblemHttpResult NotFound(int id) =>
        TypedResults.Problem(statusCode: 404, title: "No such budget", detail: $"No budget has id {id}; list the budgets to find its id.");
}
