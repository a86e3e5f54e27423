using System.Globalization;
using Tollgate.Analytics.Budgets;

namespace Tollgate.Dashboard.Web.Components.Pages.Budgets;

/// <summary>
/// The budget dialog's fields: thresholds as percentages in one text field and email recipients
/// comma-separated, turned into a <see cref="BudgetInput"/> for the same checks the REST API applies.
/// </summary>
public sealed class BudgetForm
{
    public const string DefaultThresholds = "50, 80, 100";

    /// <summary>0 for a new budget, else the id of the budget being edited.</summary>
    public int Id { get; set; }

    /// <summary>The project the budget watches; empty means the default project (or, when editing, the budget's own).</summary>
    public string? Project { get; set; }

    public string? Name { get; set; }

    public string Scope { get; set; } = BudgetScopes.Total;

    public string? ScopeKey { get; set; }

    public string Period { get; set; } = BudgetPeriods.Monthly;

    public decimal? AmountUsd { get; set; }

    public string? Thresholds { get; set; } = DefaultThresholds;

    public string? WebhookUrl { get; set; }

    public string? SlackWebhookUrl { get; set; }

    public string? EmailRecipients { get; set; }

    public static BudgetForm Of(Budget budget) => new()
    {
        Id = budget.Id,
        Project = budget.Project,
        Name = budget.Name,
        Scope = budget.Scope,
        ScopeKey = budget.ScopeKey,
        Period = budget.Period,
        AmountUsd = budget.AmountUsd,
        Thresholds = string.Join(", ", budget.Thresholds.Select(t => (t * 100m).ToString("0.##", CultureInfo.InvariantCulture))),
        WebhookUrl = budget.WebhookUrl,
        SlackWebhookUrl = budget.SlackWebhookUrl,
        EmailRecipients = string.Join(", ", budget.EmailRecipients),
    };

    /// <summary>Percentages "50, 80, 100" as fractions; null when a part is not a number.</summary>
    public static decimal[]? ParseThresholds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var parts = text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fractions = new decimal[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!decimal.TryParse(parts[i].TrimEnd('%'), NumberStyles.Number, CultureInfo.InvariantCulture, out var percent))
            {
                return null;
            }

            fractions[i] = percent / 100m;
        }

        return fractions;
    }

    public static string[] ParseRecipients(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split([',', ';', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public BudgetInput ToInput(string? project, decimal[] thresholds) => new(
        project, Name, Scope, Scope == BudgetScopes.Total ? null : ScopeKey, Period, AmountUsd, thresholds, WebhookUrl, SlackWebhookUrl, ParseRecipients(EmailRecipients));
}
