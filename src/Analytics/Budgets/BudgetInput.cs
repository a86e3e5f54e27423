using System.Globalization;
using System.Net.Mail;
using Tollgate.Analytics.Projects;

namespace Tollgate.Analytics.Budgets;

/// <summary>A budget as a client sends it to create or replace one; checked by <see cref="BudgetRules"/>.</summary>
public sealed record BudgetInput(
    string? Project,
    string? Name,
    string? Scope,
    string? ScopeKey,
    string? Period,
    decimal? AmountUsd,
    decimal[]? Thresholds,
    string? WebhookUrl,
    string? SlackWebhookUrl,
    string[]? EmailRecipients);

/// <summary>A checked budget definition, ready to store.</summary>
public sealed record BudgetDefinition(
    string Project,
    string Name,
    string Scope,
    string? ScopeKey,
    string Period,
    decimal AmountUsd,
    IReadOnlyList<decimal> Thresholds,
    string? WebhookUrl,
    string? SlackWebhookUrl,
    IReadOnlyList<string> EmailRecipients);

/// <summary>Validation of budget input: every problem named by its field, with what to send instead.</summary>
public static class BudgetRules
{
    public static IReadOnlyList<decimal> DefaultThresholds { get; } = [0.5m, 0.8m, 1.0m];

    /// <summary>Names and scope keys show in lists and messages; team and feature names are short.</summary>
    public const int MaxNameLength = 200;

    /// <summary>More thresholds than this would be an alert storm by configuration.</summary>
    public const int MaxThresholds = 10;

    /// <summary>Alerts go to a handful of people; a mailing list covers more.</summary>
    public const int MaxEmailRecipients = 20;

    /// <summary>URLs longer than this are not webhook endpoints.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>Checks the input; the definition is null exactly when there are errors.</summary>
    public static (BudgetDefinition? Definition, Dictionary<string, string[]> Errors) Check(
        BudgetInput input, string defaultProject, bool smtpConfigured)
    {
        var errors = new Dictionary<string, string[]>();
        var project = string.IsNullOrWhiteSpace(input.Project) ? defaultProject : input.Project.Trim();
        if (ProjectStore.NameProblem(project) is { } projectProblem)
        {
            errors["project"] = [projectProblem];
        }

        var scope = input.Scope?.Trim().ToLowerInvariant();
        if (scope is null || !BudgetScopes.All.Contains(scope))
        {
            errors["scope"] = [$"Give the scope, one of {string.Join(", ", BudgetScopes.All)}."];
        }

        var scopeKey = string.IsNullOrWhiteSpace(input.ScopeKey) ? null : input.ScopeKey.Trim();
        if (scope is BudgetScopes.Team or BudgetScopes.Feature or BudgetScopes.Customer && scopeKey is null)
        {
            errors["scopeKey"] = [$"Give the {scope} the budget limits as scopeKey, for example \"checkout\"."];
        }
        else if (scope == BudgetScopes.Total && scopeKey is not null)
        {
            errors["scopeKey"] = ["A total budget covers the whole project: leave scopeKey out."];
        }
        else if (scopeKey is not null && (scopeKey.Length > MaxNameLength || scopeKey.Any(char.IsControl)))
        {
            errors["scopeKey"] = [$"Give a scopeKey of 1 to {MaxNameLength} printable characters."];
        }

        var period = input.Period?.Trim().ToLowerInvariant();
        if (period is null || !BudgetPeriods.All.Contains(period))
        {
            errors["period"] = ["Give the period: weekly (ISO weeks from Monday 00:00 UTC) or monthly (calendar months, UTC)."];
        }

        if (input.AmountUsd is not > 0m || input.AmountUsd > 1_000_000_000_000m)
        {
            errors["amountUsd"] = ["Give amountUsd, the budget in US dollars, greater than 0 (for example 500)."];
        }

        var thresholds = input.Thresholds is null or { Length: 0 } ? DefaultThresholds : input.Thresholds.Distinct().Order().ToArray();
        if (thresholds.Count > MaxThresholds || thresholds.Any(t => t is <= 0m or > 10m))
        {
            errors["thresholds"] = [$"Give up to {MaxThresholds} thresholds as fractions of the amount, each above 0 and at most 10, for example [0.5, 0.8, 1.0]."];
        }

        var webhook = Url(input.WebhookUrl, "webhookUrl", errors);
        var slack = Url(input.SlackWebhookUrl, "slackWebhookUrl", errors);
        var recipients = (input.EmailRecipients ?? []).Select(r => r?.Trim() ?? "").Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (recipients.Length > 0 && !smtpConfigured)
        {
            errors["emailRecipients"] = ["Email alerts need a mail server: set Tollgate:Smtp:Host and Tollgate:Smtp:From, or leave emailRecipients out."];
        }
        else if (recipients.Length > MaxEmailRecipients || recipients.Any(r => !MailAddress.TryCreate(r, out _)))
        {
            errors["emailRecipients"] = [$"Give up to {MaxEmailRecipients} email addresses such as finops@example.com."];
        }

        var name = string.IsNullOrWhiteSpace(input.Name)
            ? $"{(scope == BudgetScopes.Total ? project : scopeKey)} {period}"
            : input.Name.Trim();
        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"Give a name of 1 to {MaxNameLength} printable characters."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new BudgetDefinition(project, name, scope!, scopeKey, period!, input.AmountUsd!.Value, thresholds, webhook, slack, recipients), errors);
    }

    private static string? Url(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > MaxUrlLength || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors[field] = [string.Create(CultureInfo.InvariantCulture, $"Give an absolute http or https URL of at most {MaxUrlLength} characters.")];
            return null;
        }

        return uri.ToString();
    }
}
