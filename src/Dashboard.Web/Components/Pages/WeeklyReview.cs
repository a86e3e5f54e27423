using System.Globalization;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Time;

namespace Tollgate.Dashboard.Web.Components.Pages;

/// <summary>One value of a dimension (a team, feature or model) this week against the week before.</summary>
public sealed record SpendChange(string Dimension, string? Key, decimal ThisWeekUsd, decimal LastWeekUsd)
{
    public decimal ChangeUsd => ThisWeekUsd - LastWeekUsd;

    /// <summary>The change as a fraction of last week (0.25 = 25% more); null when last week was zero.</summary>
    public decimal? ChangeFraction => LastWeekUsd == 0 ? null : ChangeUsd / LastWeekUsd;
}

/// <summary>One week of the cost-per-request trend.</summary>
public sealed record WeekPoint(DateTime WeekStartUtc, decimal? CostPerRequestUsd, long Requests);

/// <summary>
/// The week-over-week arithmetic of the spend review, kept apart from the queries so that it can
/// be checked on hand-made rows.
/// </summary>
public static class WeeklyReview
{
    /// <summary>Each comparison table shows at most this many rows, the largest spenders of either week.</summary>
    public const int MaxRowsPerTable = 25;

    /// <summary>The movers list this many increases and this many decreases.</summary>
    public const int MaxMovers = 5;

    /// <summary>How far back a review may go: spans are kept about 400 days.</summary>
    public const int MaxWeeksBack = 56;

    /// <summary>
    /// The week a <c>?week=yyyy-MM-dd</c> parameter names (any day of it), bounded to the current
    /// week and <see cref="MaxWeeksBack"/> weeks before; the current week when absent or unreadable.
    /// </summary>
    public static DateTime ResolveWeek(string? week, DateTime nowUtc)
    {
        var current = IsoWeek.Start(nowUtc);
        if (string.IsNullOrWhiteSpace(week)
            || !DateTime.TryParseExact(week.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            return current;
        }

        var start = IsoWeek.Start(day);
        var earliest = current.AddDays(-7 * MaxWeeksBack);
        return start > current ? current : start < earliest ? earliest : start;
    }

    /// <summary>
    /// The end (exclusive) of the part of the reviewed week that is compared with the same part of
    /// the week before: the whole week once it is over, else the hours so far (whole hours, the
    /// rollups' granularity, at least one). A Tuesday's spend set against a whole week would show
    /// every team falling by about 85%.
    /// </summary>
    public static DateTime ComparedUntil(DateTime weekStartUtc, DateTime nowUtc)
    {
        var weekEnd = weekStartUtc.AddDays(7);
        if (nowUtc >= weekEnd)
        {
            return weekEnd;
        }

        var soFar = UtcHour.Ceiling(nowUtc);
        return soFar <= weekStartUtc ? weekStartUtc.AddHours(1) : soFar;
    }

    /// <summary><c>Monday 00:00 to Wednesday 13:00 UTC</c>: the compared part of a week not yet over.</summary>
    public static string ElapsedPart(DateTime weekStartUtc, DateTime comparedUntilUtc) =>
        weekStartUtc.ToString("dddd HH:mm", CultureInfo.InvariantCulture) + " to " + comparedUntilUtc.ToString("dddd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string WeekParameter(DateTime weekStartUtc) => weekStartUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Joins two weeks' spend rows of one dimension by key, largest spenders first.</summary>
    public static IReadOnlyList<SpendChange> Compare(string dimension, IEnumerable<KeyCost> thisWeek, IEnumerable<KeyCost> lastWeek)
    {
        var current = thisWeek.GroupBy(r => r.Key ?? "").ToDictionary(g => g.Key, g => g.Sum(r => r.CostUsd), StringComparer.Ordinal);
        var previous = lastWeek.GroupBy(r => r.Key ?? "").ToDictionary(g => g.Key, g => g.Sum(r => r.CostUsd), StringComparer.Ordinal);
        return current.Keys.Union(previous.Keys, StringComparer.Ordinal)
            .Select(key => new SpendChange(dimension, key.Length == 0 ? null : key, current.GetValueOrDefault(key), previous.GetValueOrDefault(key)))
            .OrderByDescending(c => Math.Max(c.ThisWeekUsd, c.LastWeekUsd))
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The largest increases (most first) and the largest decreases (most first) over all dimensions; unnamed values are left out.</summary>
    public static (IReadOnlyList<SpendChange> Increases, IReadOnlyList<SpendChange> Decreases) Movers(IEnumerable<SpendChange> changes)
    {
        var named = changes.Where(c => c.Key is not null).ToList();
        return (
            named.Where(c => c.ChangeUsd > 0).OrderByDescending(c => c.ChangeUsd).ThenBy(c => c.Key, StringComparer.Ordinal).Take(MaxMovers).ToList(),
            named.Where(c => c.ChangeUsd < 0).OrderBy(c => c.ChangeUsd).ThenBy(c => c.Key, StringComparer.Ordinal).Take(MaxMovers).ToList());
    }

    /// <summary>
    /// The traces of one team, feature or model (the trace list's own parameter names), within
    /// <paramref name="team"/> when one is reviewed, over the trace list's widest window.
    /// </summary>
    public static string TracesLink(string dimension, string? key, string? team = null)
    {
        if (key is null)
        {
            return "/traces";
        }

        var teamFilter = team is null || dimension == "team" ? "" : $"team={Uri.EscapeDataString(team)}&";
        return $"/traces?{teamFilter}{dimension}={Uri.EscapeDataString(key)}&window=7d";
    }

    /// <summary><c>+$12.50</c> / <c>-$3.00</c>.</summary>
    public static string SignedMoney(decimal usd) => (usd > 0 ? "+" : "") + Display.Format.Money(usd);

    /// <summary><c>+25.0%</c>, <c>-10.0%</c>; "new" when only this week had spend, "–" when neither had.</summary>
    public static string SignedPercent(SpendChange change) =>
        change.ChangeFraction is { } f ? (f > 0 ? "+" : "") + (f * 100m).ToString("0.0", CultureInfo.InvariantCulture) + "%"
        : change.ThisWeekUsd > 0 ? "new" : "–";
}
