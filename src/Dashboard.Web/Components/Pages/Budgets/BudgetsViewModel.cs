using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Projects;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Budgets;

/// <summary>A budget with its current period's figures, as the list shows, sorts and filters it.</summary>
public sealed record BudgetRow(Budget Budget, BudgetStatus Status)
{
    public string Name => Budget.Name;
    public string Project => Budget.Project;

    /// <summary>"total", or the kind and key of what is limited: "team: checkout".</summary>
    public string Scope => Budget.Scope == BudgetScopes.Total ? BudgetScopes.Total : $"{Budget.Scope}: {Budget.ScopeKey}";

    public string Period => Budget.Period;
    public decimal AmountUsd => Budget.AmountUsd;
    public decimal SpentUsd => Status.SpentUsd;
    public decimal ForecastUsd => Status.ForecastUsd;
    public decimal PercentUsed => Status.PercentUsed;
    public string State => Status.State;
}

/// <summary>The outcome of a change: problems by form field ("" for the form as a whole), empty when it worked.</summary>
public sealed record BudgetChangeResult(IReadOnlyDictionary<string, string> Problems, Budget? Budget = null)
{
    public bool Succeeded => Problems.Count == 0;

    public static BudgetChangeResult Problem(string field, string message) => new(new Dictionary<string, string> { [field] = message });
}

/// <summary>
/// The budgets pages: every budget with spend, forecast and state; creating, editing and deleting
/// budgets (audited by the store); test alerts; and one budget's alert history. Who may change
/// budgets is the budgets API's policy.
/// </summary>
public sealed class BudgetsViewModel(
    BudgetStore store, SpendTracker tracker, AlertHistory history, AlertSender sender, ProjectStore projects, TollgateOptions options, BudgetOptions budgetOptions,
    IAuthorizationService authorization, TimeProvider time)
{
    /// <summary>The policy of the API's budget writes, and so of the pages' buttons.</summary>
    public const string ChangePolicy = ApiPolicies.Admin;

    /// <summary>Form field of each key that <see cref="BudgetRules"/> names a problem by.</summary>
    private static readonly Dictionary<string, string> FieldOfRule = new(StringComparer.Ordinal)
    {
        // Shown above the form: the project list is only there when there are several projects.
        ["project"] = "",
        ["name"] = nameof(BudgetForm.Name),
        ["scope"] = nameof(BudgetForm.Scope),
        ["scopeKey"] = nameof(BudgetForm.ScopeKey),
        ["period"] = nameof(BudgetForm.Period),
        ["amountUsd"] = nameof(BudgetForm.AmountUsd),
        ["thresholds"] = nameof(BudgetForm.Thresholds),
        ["webhookUrl"] = nameof(BudgetForm.WebhookUrl),
        ["slackWebhookUrl"] = nameof(BudgetForm.SlackWebhookUrl),
        ["emailRecipients"] = nameof(BudgetForm.EmailRecipients),
    };

    public IReadOnlyList<BudgetRow> Rows { get; private set; } = [];

    /// <summary>The projects a budget can watch, by name; the form offers a choice when there are several.</summary>
    public IReadOnlyList<string> Projects { get; private set; } = [];

    public string DefaultProject => options.DefaultProject;

    public bool EmailConfigured => options.Smtp.IsConfigured;

    public async Task<bool> MayChangeAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, ChangePolicy)).Succeeded;

    /// <summary>Whether the row holds <paramref name="search"/> in its name, project, scope, period or state (any case).</summary>
    public static bool Matches(BudgetRow row, string? search)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.IsNullOrWhiteSpace(search)
            || new[] { row.Name, row.Project, row.Scope, row.Period, row.State }.Any(text => text.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var budgets = await store.ListAsync(cancellationToken);
        Rows = [.. budgets.Select(b => new BudgetRow(b, BudgetStatus.Of(b, tracker.Figures(b, now))))];
        await LoadProjectsAsync(cancellationToken);
    }

    /// <summary>Reads <see cref="Projects"/> alone, for the form opened from a page that does not list budgets.</summary>
    public async Task LoadProjectsAsync(CancellationToken cancellationToken = default) =>
        Projects = [.. (await projects.ListAsync(cancellationToken)).Select(p => p.Name).Order(StringComparer.Ordinal)];

    public Task<Budget?> GetAsync(int id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public BudgetStatus StatusOf(Budget budget) => BudgetStatus.Of(budget, tracker.Figures(budget, time.GetUtcNow().UtcDateTime));

    public Task<IReadOnlyList<AlertRecord>> HistoryAsync(int id, CancellationToken cancellationToken = default) => history.ListAsync(id, cancellationToken);

    /// <summary>Checks the form as the REST API checks a body; the definition is null exactly when there are problems.</summary>
    public static (BudgetDefinition? Definition, Dictionary<string, string> Problems) Check(BudgetForm form, string project, bool smtpConfigured)
    {
        ArgumentNullException.ThrowIfNull(form);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var thresholds = BudgetForm.ParseThresholds(form.Thresholds);
        if (thresholds is null)
        {
            problems[nameof(BudgetForm.Thresholds)] = "Give the thresholds as percentages separated by commas, for example 50, 80, 100.";
            thresholds = [];
        }

        var (definition, errors) = BudgetRules.Check(form.ToInput(project, thresholds), project, smtpConfigured);
        foreach (var (key, messages) in errors)
        {
            var field = FieldOfRule.GetValueOrDefault(key, "");
            problems.TryAdd(field, FormMessage(field, form, messages[0]));
        }

        return problems.Count == 0 ? (definition, problems) : (null, problems);
    }

    /// <summary>Creates the budget (form id 0) or replaces the one being edited.</summary>
    public async Task<BudgetChangeResult> SaveAsync(BudgetForm form, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!await MayChangeAsync(user))
        {
            return BudgetChangeResult.Problem("", "Only admins may change budgets.");
        }

        var existing = form.Id == 0 ? null : await store.GetAsync(form.Id, cancellationToken);
        if (form.Id != 0 && existing is null)
        {
            return BudgetChangeResult.Problem("", "The budget no longer exists: it may have been deleted meanwhile.");
        }

        var project = string.IsNullOrWhiteSpace(form.Project) ? existing?.Project ?? options.DefaultProject : form.Project.Trim();
        var (definition, problems) = Check(form, project, options.Smtp.IsConfigured);
        if (definition is null)
        {
            return new BudgetChangeResult(problems);
        }

        var actor = Actor(user);
        if (existing is null)
        {
            return await store.CreateAsync(definition, actor, cancellationToken) is { } created
                ? new BudgetChangeResult(new Dictionary<string, string>(), created)
                : BudgetChangeResult.Problem("", $"At most {BudgetStore.MaxBudgets.ToString("N0", CultureInfo.InvariantCulture)} budgets can be kept; delete budgets that are no longer used.");
        }

        return await store.UpdateAsync(existing.Id, definition, actor, cancellationToken) is { } updated
            ? new BudgetChangeResult(new Dictionary<string, string>(), updated)
            : BudgetChangeResult.Problem("", "The budget no longer exists: it may have been deleted meanwhile.");
    }

    public async Task<BudgetChangeResult> DeleteAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!await MayChangeAsync(user))
        {
            return BudgetChangeResult.Problem("", "Only admins may delete budgets.");
        }

        return await store.DeleteAsync(id, Actor(user), cancellationToken) is { } deleted
            ? new BudgetChangeResult(new Dictionary<string, string>(), deleted)
            : BudgetChangeResult.Problem("", "The budget no longer exists: it may have been deleted meanwhile.");
    }

    /// <summary>Sends a test alert through each of the budget's channels, once, and says how each went.</summary>
    public async Task<(bool Succeeded, string Text)> SendTestAlertAsync(int id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!await MayChangeAsync(user))
        {
            return (false, "Only admins may send test alerts.");
        }

        if (await store.GetAsync(id, cancellationToken) is not { } budget)
        {
            return (false, "The budget no longer exists: it may have been deleted meanwhile.");
        }

        var channels = AlertChannels.Of(budget).ToList();
        if (channels.Count == 0)
        {
            return (false, $"Budget {budget.Name} has no channel: edit it to add a webhook, a Slack-compatible webhook or email recipients.");
        }

        var figures = tracker.Figures(budget, time.GetUtcNow().UtcDateTime);
        var message = AlertMessage.Build(budget, null, figures.SpentUsd, figures.ForecastUsd, figures.PeriodStart, figures.PeriodEnd, [], budgetOptions.PublicUrl);
        var outcomes = new List<DeliveryOutcome>();
        foreach (var (channel, target) in channels)
        {
            outcomes.Add(await sender.SendAsync(channel, target, message, cancellationToken));
        }

        return (outcomes.All(o => o.Succeeded), $"Test alert of {budget.Name}: " + string.Join("; ", outcomes.Select(Describe)) + ".");
    }

    public static string Describe(DeliveryOutcome outcome)
    {
        var status = outcome.StatusCode is { } code ? string.Create(CultureInfo.InvariantCulture, $" (status {code})") : "";
        return outcome.Succeeded
            ? $"{outcome.Channel} {outcome.Target} delivered{status}"
            : $"{outcome.Channel} {outcome.Target} failed{status}: {outcome.Error}";
    }

    /// <summary>"50 %, 80 %, 100 %".</summary>
    public static string Percentages(IEnumerable<decimal> fractions) =>
        string.Join(", ", fractions.Select(t => (t * 100m).ToString("0.##", CultureInfo.InvariantCulture) + " %"));

    public static string Percent(decimal percent) => percent.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    // The rules speak the REST API's field names; the form speaks its own labels.
    private static string FormMessage(string field, BudgetForm form, string ruleMessage) => field switch
    {
        nameof(BudgetForm.Scope) => "Choose what the budget limits: total, team, feature or customer.",
        nameof(BudgetForm.ScopeKey) when string.IsNullOrWhiteSpace(form.ScopeKey) => $"Give the {form.Scope} the budget limits, for example checkout.",
        nameof(BudgetForm.ScopeKey) => $"Give a key of 1 to {BudgetRules.MaxNameLength} printable characters.",
        nameof(BudgetForm.Period) => "Choose weekly (ISO weeks from Monday 00:00 UTC) or monthly (calendar months, UTC).",
        nameof(BudgetForm.AmountUsd) => "Give the amount in US dollars, greater than 0, for example 500.",
        nameof(BudgetForm.Thresholds) => $"Give up to {BudgetRules.MaxThresholds} thresholds as percentages above 0 and at most 1000, for example 50, 80, 100.",
        nameof(BudgetForm.WebhookUrl) or nameof(BudgetForm.SlackWebhookUrl) => $"Give an absolute http or https URL of at most {BudgetRules.MaxUrlLength} characters.",
        nameof(BudgetForm.EmailRecipients) when ruleMessage.Contains("mail server", StringComparison.Ordinal) =>
            "Email alerts need a mail server (Tollgate:Smtp:Host and Tollgate:Smtp:From): leave recipients empty or ask the operator to configure one.",
        nameof(BudgetForm.EmailRecipients) => $"Give up to {BudgetRules.MaxEmailRecipients} email addresses such as finops@example.com.",
        _ => ruleMessage,
    };
}
