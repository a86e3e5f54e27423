using System.Globalization;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Budgets;

/// <summary>What an orchestrator asks before an expensive call (CONTRACT: governance check).</summary>
public sealed record GovernanceRequest(string? Project, string? Team, string? Feature, string? Customer, string? Model, decimal? EstimatedCostUsd);

/// <summary>The answer: allow, warn or deny, the budget that decided it and why.</summary>
public sealed record GovernanceDecision(string Decision, int? BudgetId, string Reason, string? SuggestedTier = null);

/// <summary>
/// Decides a governance check from the in-memory spend alone. Every budget matching the request's
/// project and scopes is considered: deny when it is exceeded or spend plus the estimate would go
/// over 100%; warn when spend plus the estimate passes its highest threshold below 100%; allow
/// otherwise. The most severe decision wins (then the fullest budget) and names its budget.
/// </summary>
public sealed class GovernanceCheck(SpendTracker tracker, CurrentPrices prices, TimeProvider time)
{
    public const string Allow = "allow";
    public const string Warn = "warn";
    public const string Deny = "deny";

    public GovernanceDecision Decide(GovernanceRequest request, string defaultProject)
    {
        var budgets = tracker.Budgets;
        var project = string.IsNullOrWhiteSpace(request.Project) ? defaultProject : request.Project;
        if (!budgets.TryGetProjectId(project, out var projectId))
        {
            return new GovernanceDecision(Allow, null, $"No budget applies to project {project}.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var estimate = Math.Max(0m, request.EstimatedCostUsd ?? 0m);
        Verdict? worst = null;
        Consider(ref worst, budgets.For(new SpendKey(projectId, BudgetScopes.Total, "")), estimate, now);
        Consider(ref worst, For(budgets, projectId, BudgetScopes.Team, request.Team), estimate, now);
        Consider(ref worst, For(budgets, projectId, BudgetScopes.Feature, request.Feature), estimate, now);
        Consider(ref worst, For(budgets, projectId, BudgetScopes.Customer, request.Customer), estimate, now);
        if (worst is not { } verdict)
        {
            return new GovernanceDecision(Allow, null, "No budget applies to this team, feature or customer.");
        }

        var budget = verdict.Budget;
        var used = Percent(verdict.Spent, budget.AmountUsd);
        var after = Percent(verdict.Spent + estimate, budget.AmountUsd);
        var what = $"Budget '{budget.Name}' ({budget.ScopeLabel}, {budget.Period}, {Usd(budget.AmountUsd)})";
        return verdict.Severity switch
        {
            2 when verdict.Spent >= budget.AmountUsd => new GovernanceDecision(Deny, budget.Id, $"{what} is exceeded: {Usd(verdict.Spent)} spent ({used}).", SuggestCheaper(request.Model, now)),
            2 => new GovernanceDecision(Deny, budget.Id, $"{what} would be exceeded: {Usd(verdict.Spent)} spent ({used}), {after} with this call's estimate of {Usd(estimate)}.", SuggestCheaper(request.Model, now)),
            1 => new GovernanceDecision(Warn, budget.Id, $"{what} is at {after} with this call (warning from {Percent(budget.GovernanceWarnFrom!.Value, 1m)}).", SuggestCheaper(request.Model, now)),
            _ => new GovernanceDecision(Allow, budget.Id, $"{what} is at {after} with this call."),
        };
    }

    private static ReadOnlySpan<Budget> For(BudgetSet budgets, int projectId, string scope, string? key) =>
        string.IsNullOrEmpty(key) ? [] : budgets.For(new SpendKey(projectId, scope, key));

    private void Consider(ref Verdict? worst, ReadOnlySpan<Budget> budgets, decimal estimate, DateTime now)
    {
        foreach (var budget in budgets)
        {
            var spent = tracker.Spent(new SpendKey(budget.ProjectId, budget.Scope, budget.ScopeKey ?? ""), budget.Period, now);
            var projected = spent + estimate;
            var severity = spent >= budget.AmountUsd || projected > budget.AmountUsd ? 2
                : budget.GovernanceWarnFrom is { } warnFrom && projected >= warnFrom * budget.AmountUsd ? 1
                : 0;
            var fullness = projected / budget.AmountUsd;
            if (worst is not { } current || severity > current.Severity || (severity == current.Severity && fullness > current.Fullness))
            {
                worst = new Verdict(budget, severity, spent, fullness);
            }
        }
    }

    // A cheaper tier is worth suggesting only when the model is known to be above the small tier.
    private string? SuggestCheaper(string? model, DateTime now) =>
        prices.Catalogue.Find(null, model, now)?.Price.Tier is PriceTiers.Mid or PriceTiers.Frontier ? PriceTiers.Small : null;

    private static string Usd(decimal value) => value.ToString("$#,0.00##", CultureInfo.InvariantCulture);

    private static string Percent(decimal value, decimal of) => (value / of).ToString("0.#%", CultureInfo.InvariantCulture);

    private readonly record struct Verdict(Budget Budget, int Severity, decimal Spent, decimal Fullness);
}
