using System.Globalization;
using System.Text;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// The JSON body a generic webhook receives for a budget alert. Fields: <c>kind</c> ("budget.alert",
/// or "budget.test" for a test message), <c>budget</c> {id, name, amountUsd}, <c>scope</c>
/// {scope, key}, <c>period</c> {kind, start, end}, <c>threshold</c> (fraction of the amount, null
/// for a test), <c>spentUsd</c>, <c>forecastUsd</c>, <c>percentUsed</c> (62.5 = 62.5%),
/// <c>topContributors</c> [{dimension: team|feature|model, key, spentUsd}], <c>link</c>.
/// </summary>
public sealed record AlertBody(
    string Kind,
    AlertBudget Budget,
    AlertScope Scope,
    AlertPeriod Period,
    decimal? Threshold,
    decimal SpentUsd,
    decimal ForecastUsd,
    decimal PercentUsed,
    IReadOnlyList<Contributor> TopContributors,
    string Link);

public sealed record AlertBudget(int Id, string Name, string Project, decimal AmountUsd);

public sealed record AlertScope(string Scope, string? Key);

public sealed record AlertPeriod(string Kind, DateTime Start, DateTime End);

/// <summary>Words of a budget alert: what crossed, how much is spent, where it goes, what to do.</summary>
public static class AlertMessage
{
    public static OutgoingMessage Build(
        Budget budget, decimal? threshold, decimal spent, decimal forecast, DateTime periodStart, DateTime periodEnd,
        IReadOnlyList<Contributor> contributors, string publicUrl)
    {
        var link = $"{publicUrl.TrimEnd('/')}/budgets/{budget.Id.ToString(CultureInfo.InvariantCulture)}";
        var percent = Math.Round(spent / budget.AmountUsd * 100m, 2);
        var body = new AlertBody(threshold is null ? "budget.test" : "budget.alert",
            new AlertBudget(budget.Id, budget.Name, budget.Project, budget.AmountUsd),
            new AlertScope(budget.Scope, budget.ScopeKey),
            new AlertPeriod(budget.Period, periodStart, periodEnd),
            threshold, spent, Math.Round(forecast, 6), percent, contributors, link);

        var headline = threshold is null
            ? $"Test message from Tollgate budget '{budget.Name}'"
            : $"Budget '{budget.Name}' passed {Percent(threshold.Value)} of {Usd(budget.AmountUsd)}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{headline} ({budget.ScopeLabel}, {budget.Period} {periodStart:yyyy-MM-dd} to {periodEnd.AddDays(-1):yyyy-MM-dd} UTC).\n");
        text.Append(CultureInfo.InvariantCulture, $"Spent {Usd(spent)} ({percent.ToString("0.##", CultureInfo.InvariantCulture)}%); forecast for the period {Usd(forecast)}");
        text.Append(forecast > budget.AmountUsd ? " (over budget at the current rate).\n" : ".\n");
        if (contributors.Count > 0)
        {
            text.Append("Top contributors:");
            foreach (var group in contributors.GroupBy(c => c.Dimension))
            {
                text.Append(CultureInfo.InvariantCulture, $" {group.Key}s: {string.Join(", ", group.Select(c => $"{c.Key} {Usd(c.SpentUsd)}"))};");
            }

            text.Length--;
            text.Append(".\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Look at the largest contributors first (cheaper models, caching, or a higher budget if the spend is expected): {link}");
        return new OutgoingMessage(headline, text.ToString(), body);
    }

    internal static string Usd(decimal value) => value.ToString("$#,0.00##", CultureInfo.InvariantCulture);

    private static string Percent(decimal fraction) => fraction.ToString("0.#%", CultureInfo.InvariantCulture);
}
