using System.Text.Json.Serialization;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// A spending limit for a project's total, or one team, feature or customer, per ISO week or
/// calendar month (UTC), with the fractions of it that raise alerts and where alerts go.
/// </summary>
public sealed record Budget(
    int Id,
    int ProjectId,
    string Project,
    string Name,
    string Scope,
    string? ScopeKey,
    string Period,
    decimal AmountUsd,
    IReadOnlyList<decimal> Thresholds,
    string? WebhookUrl,
    string? SlackWebhookUrl,
    IReadOnlyList<string> EmailRecipients,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>How messages name the budget's scope: "team checkout", "the whole project".</summary>
    [JsonIgnore]
    public string ScopeLabel => Scope == BudgetScopes.Total ? $"all of project {Project}" : $"{Scope} {ScopeKey}";

    /// <summary>
    /// The fraction from which the budget is in warning in its status: the lowest threshold
    /// below 1; null when every threshold is 1 or more.
    /// </summary>
    [JsonIgnore]
    public decimal? WarningFrom
    {
        get
        {
            for (var i = 0; i < Thresholds.Count; i++)
            {
                if (Thresholds[i] < 1m)
                {
                    return Thresholds[i];
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The fraction past which a governance check warns: the highest threshold below 1 (a call
    /// that would only cross the first, early threshold is not worth a warning to the caller).
    /// </summary>
    [JsonIgnore]
    public decimal? GovernanceWarnFrom
    {
        get
        {
            for (var i = Thresholds.Count - 1; i >= 0; i--)
            {
                if (Thresholds[i] < 1m)
                {
                    return Thresholds[i];
                }
            }

            return null;
        }
    }
}

/// <summary>The scopes a budget can limit (CONTRACT: total, team, feature, customer).</summary>
public static class BudgetScopes
{
    public const string Total = "total";
    public const string Team = "team";
    public const string Feature = "feature";
    public const string Customer = "customer";

    public static IReadOnlyList<string> All { get; } = [Total, Team, Feature, Customer];
}

/// <summary>Budget periods: ISO weeks from Monday 00:00 UTC, or calendar months in UTC.</summary>
public static class BudgetPeriods
{
    public const string Weekly = "weekly";
    public const string Monthly = "monthly";

    public static IReadOnlyList<string> All { get; } = [Weekly, Monthly];

    public static DateTime MonthStart(DateTime utc) => new(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The period of <paramref name="period"/> kind that contains <paramref name="utc"/>, end exclusive.</summary>
    public static (DateTime Start, DateTime End) Containing(string period, DateTime utc)
    {
        if (period == Weekly)
        {
            var start = IsoWeek.Start(utc);
            return (start, start.AddDays(7));
        }

        var month = MonthStart(utc);
        return (month, month.AddMonths(1));
    }
}
