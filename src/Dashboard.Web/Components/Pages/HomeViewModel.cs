using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tollgate.Analytics.Anomalies;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Time;

namespace Tollgate.Dashboard.Web.Components.Pages;

/// <summary>A budget with its current period's status, for the review's budget table.</summary>
public sealed record BudgetLine(Budget Budget, BudgetStatus Status);

/// <summary>
/// What one load of the weekly review read: the tabs showing the same review share it (see
/// <see cref="WeeklyReviewReads"/>), and a page's circuit shows the figures its prerender read.
/// </summary>
public sealed record HomeFigures(
    string? Week, string? Team, DateTime LoadedAtUtc, bool HasSpans, DateTime WeekStartUtc, bool IsCurrentWeek, bool HasEarlierWeek,
    DateTime ComparedUntilUtc, IReadOnlyList<string> Teams, decimal LastWeekWholeUsd, SpendChange Total, long RequestsThisWeek,
    IReadOnlyDictionary<string, IReadOnlyList<SpendChange>> ByDimension, IReadOnlyDictionary<string, int> RowsBeyondLimit,
    IReadOnlyList<SpendChange> Increases, IReadOnlyList<SpendChange> Decreases, IReadOnlyList<WeekPoint> Trend,
    RoutingSavings? RoutingSavings, decimal CacheSavingsUsd, IReadOnlyList<CostAnomaly> Anomalies);

/// <summary>
/// The engineering lead's weekly spend review: one ISO week (Monday 00:00 UTC) against the week
/// before (for the current week, the hours so far against the same hours of the week before), in
/// total and by team, feature and model, with movers, budgets, the cost-per-request
/// trend, routing and caching savings and anomalies. With a team, the same review of that team
/// alone: its features and models, its budgets and its anomalies. Built without rendering so
/// tests can check it.
/// </summary>
public sealed class HomeViewModel(
    TollgateDbContext db,
    TollgateOptions options,
    TimeProvider time,
    SummaryQuery summaries,
    SpendQuery spend,
    OrchestrationQuery orchestration,
    SpendTracker tracker,
    AnomalyQuery anomalies)
{
    /// <summary>The trend covers this many weeks, the reviewed one last: two months shows a direction without old noise.</summary>
    public const int TrendWeeks = 8;

    public static IReadOnlyList<(string Dimension, string Title)> Dimensions { get; } =
        [("team", "By team"), ("feature", "By feature"), ("model", "By model")];

    /// <summary>The tables of one team's review: by team would be the team alone.</summary>
    public static IReadOnlyList<(string Dimension, string Title)> TeamDimensions { get; } =
        [("feature", "By feature"), ("model", "By model")];

    /// <summary>The team reviewed, or null for the whole organisation.</summary>
    public string? Team { get; private set; }

    /// <summary>The teams with spend in either week, for the team picker.</summary>
    public IReadOnlyList<string> Teams { get; private set; } = [];

    public IReadOnlyList<(string Dimension, string Title)> ShownDimensions => Team is null ? Dimensions : TeamDimensions;

    public bool HasSpans { get; private set; }
    public DateTime WeekStartUtc { get; private set; }
    public DateTime LastWeekStartUtc => WeekStartUtc.AddDays(-7);
    public bool IsCurrentWeek { get; private set; }

    /// <summary>The end (exclusive) of the compared part of the reviewed week; see <see cref="WeeklyReview.ComparedUntil"/>.</summary>
    public DateTime ComparedUntilUtc { get; private set; }

    /// <summary>Whether only part of the week is compared (the current week, not yet over).</summary>
    public bool IsWeekSoFar => ComparedUntilUtc < WeekStartUtc.AddDays(7);

    /// <summary>The end (exclusive) of the same part of the week before.</summary>
    public DateTime LastWeekComparedUntilUtc => LastWeekStartUtc + (ComparedUntilUtc - WeekStartUtc);

    /// <summary>The whole of the week before, beside the part compared when the week is not over.</summary>
    public decimal LastWeekWholeUsd { get; private set; }
    public bool HasEarlierWeek { get; private set; }
    public SpendChange Total { get; private set; } = new("total", null, 0, 0);
    public long RequestsThisWeek { get; private set; }
    public IReadOnlyDictionary<string, IReadOnlyList<SpendChange>> ByDimension { get; private set; } = new Dictionary<string, IReadOnlyList<SpendChange>>();
    public IReadOnlyDictionary<string, int> RowsBeyondLimit { get; private set; } = new Dictionary<string, int>();
    public IReadOnlyList<SpendChange> Increases { get; private set; } = [];
    public IReadOnlyList<SpendChange> Decreases { get; private set; } = [];
    public IReadOnlyList<BudgetLine> Budgets { get; private set; } = [];
    public IReadOnlyList<WeekPoint> Trend { get; private set; } = [];
    public RoutingSavings? RoutingSavings { get; private set; }
    public decimal CacheSavingsUsd { get; private set; }
    public IReadOnlyList<CostAnomaly> Anomalies { get; private set; } = [];
    public int OtlpHttpPort => options.Ingest.HttpPort;
    public int OtlpGrpcPort => options.Ingest.GrpcPort;

    /// <summary>When the figures were read: a live page shows it, so that a stale one is seen to be.</summary>
    public DateTime LoadedAtUtc { get; private set; }

    /// <summary>The figures of the last load, asked with <paramref name="week"/> and <paramref name="team"/>.</summary>
    public HomeFigures Figures(string? week, string? team) => new(
        week, team, LoadedAtUtc, HasSpans, WeekStartUtc, IsCurrentWeek, HasEarlierWeek, ComparedUntilUtc, Teams, LastWeekWholeUsd, Total,
        RequestsThisWeek, ByDimension, RowsBeyondLimit, Increases, Decreases, Trend, RoutingSavings, CacheSavingsUsd, Anomalies);

    /// <summary>Shows figures read before (shared by the tabs on the same review); the budgets' states are worked out now, from memory.</summary>
    public void Show(HomeFigures figures)
    {
        (LoadedAtUtc, HasSpans, WeekStartUtc, IsCurrentWeek, HasEarlierWeek, ComparedUntilUtc) =
            (figures.LoadedAtUtc, figures.HasSpans, figures.WeekStartUtc, figures.IsCurrentWeek, figures.HasEarlierWeek, figures.ComparedUntilUtc);
        Team = string.IsNullOrWhiteSpace(figures.Team) ? null : figures.Team.Trim();
        (Teams, LastWeekWholeUsd, Total, RequestsThisWeek) = (figures.Teams, figures.LastWeekWholeUsd, figures.Total, figures.RequestsThisWeek);
        (ByDimension, RowsBeyondLimit, Increases, Decreases) = (figures.ByDimension, figures.RowsBeyondLimit, figures.Increases, figures.Decreases);
        (Trend, RoutingSavings, CacheSavingsUsd, Anomalies) = (figures.Trend, figures.RoutingSavings, figures.CacheSavingsUsd, figures.Anomalies);
        Budgets = HasSpans ? BudgetLines(time.GetUtcNow().UtcDateTime) : [];
    }

    public async Task LoadAsync(string? week = null, string? team = null, CancellationToken cancellationToken = default)
    {
        LoadedAtUtc = time.GetUtcNow().UtcDateTime;
        Team = string.IsNullOrWhiteSpace(team) ? null : team.Trim();
        HasSpans = await db.Spans.AnyAsync(cancellationToken);
        if (!HasSpans)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        WeekStartUtc = WeeklyReview.ResolveWeek(week, now);
        IsCurrentWeek = WeekStartUtc == IsoWeek.Start(now);
        HasEarlierWeek = WeekStartUtc > IsoWeek.Start(now).AddDays(-7 * WeeklyReview.MaxWeeksBack);
        ComparedUntilUtc = WeeklyReview.ComparedUntil(WeekStartUtc, now);
        var thisWeek = QueryWindow.Create(WeekStartUtc, ComparedUntilUtc);
        var lastWeek = QueryWindow.Create(LastWeekStartUtc, LastWeekComparedUntilUtc);
        var filter = new SummaryFilter(Team: Team);

        // The reads are independent and each takes its own pooled connection: issued together, the
        // page waits for the slowest of them instead of the sum of about twenty.
        var teamsThisWeekRead = spend.GetAsync(thisWeek, "team", cancellationToken: cancellationToken);
        var teamsLastWeekRead = spend.GetAsync(lastWeek, "team", cancellationToken: cancellationToken);
        // The picker offers every team of last week, also those with no spend yet in the part compared.
        var teamsWholeLastWeekRead = IsWeekSoFar ? spend.GetAsync(QueryWindow.Create(LastWeekStartUtc, WeekStartUtc), "team", cancellationToken: cancellationToken) : teamsLastWeekRead;
        var dimensionReads = ShownDimensions.Select(d => (d.Dimension, Costs: ReadCostsAsync(d.Dimension, thisWeek, lastWeek, teamsThisWeekRead, teamsLastWeekRead, cancellationToken))).ToList();
        var trendReads = Enumerable.Range(0, TrendWeeks)
            .Select(i => WeekStartUtc.AddDays(-7 * (TrendWeeks - 1 - i)))
            .Select(start => (Start: start, Summary: summaries.GetAsync(QueryWindow.Create(start, start.AddDays(7)), filter, cancellationToken)))
            .ToList();
        var thisPartRead = summaries.GetAsync(thisWeek, filter, cancellationToken);
        var lastPartRead = summaries.GetAsync(lastWeek, filter, cancellationToken);
        var savingsRead = orchestration.GetSavingsAsync(thisWeek, projectId: null, Team, cancellationToken);
        var anomaliesRead = anomalies.StrongestAsync(null, WeekStartUtc, WeekStartUtc.AddDays(7), Team, cancellationToken);
        // Every read is awaited, never waited for with a blocking call: a page's circuit runs this on
        // its renderer's context, which a blocking wait holds, so a read not yet finished could then
        // never finish (a team's review does not read the team tables, so nothing else awaits those).
        await Task.WhenAll(
            [teamsThisWeekRead, teamsLastWeekRead, teamsWholeLastWeekRead, .. dimensionReads.Select(r => r.Costs), .. trendReads.Select(r => r.Summary),
             thisPartRead, lastPartRead, savingsRead, anomaliesRead]);

        Teams = [.. (await teamsThisWeekRead).Rows.Concat((await teamsWholeLastWeekRead).Rows).Select(r => r.Key).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var byDimension = new Dictionary<string, IReadOnlyList<SpendChange>>();
        var beyond = new Dictionary<string, int>();
        var all = new List<SpendChange>();
        foreach (var (dimension, costs) in dimensionReads)
        {
            var (current, previous) = await costs;
            var changes = WeeklyReview.Compare(dimension, current, previous);
            all.AddRange(changes);
            byDimension[dimension] = changes.Take(WeeklyReview.MaxRowsPerTable).ToList();
            beyond[dimension] = Math.Max(0, changes.Count - WeeklyReview.MaxRowsPerTable);
        }

        ByDimension = byDimension;
        RowsBeyondLimit = beyond;
        (Increases, Decreases) = WeeklyReview.Movers(all);
        var trend = new List<WeekPoint>();
        foreach (var (start, summary) in trendReads)
        {
            var figures = await summary;
            trend.Add(new WeekPoint(start, figures.CostPerRequestUsd, figures.Requests));
        }

        Trend = trend;
        LastWeekWholeUsd = (await trendReads[^2].Summary).CostUsd;
        var (thisPart, lastPart) = (await thisPartRead, await lastPartRead);
        Total = new SpendChange("total", null, thisPart.CostUsd, lastPart.CostUsd);
        RequestsThisWeek = thisPart.Requests;
        var savings = await savingsRead;
        RoutingSavings = savings.Routing;
        CacheSavingsUsd = savings.EstimatedCacheSavingsUsd;
        Budgets = BudgetLines(now);
        Anomalies = await anomaliesRead;
    }

    private List<BudgetLine> BudgetLines(DateTime now) => tracker.Budgets.All
        .Where(b => Team is null || (b.Scope == BudgetScopes.Team && b.ScopeKey == Team))
        .Select(b => new BudgetLine(b, BudgetStatus.Of(b, tracker.Figures(b, now))))
        .OrderByDescending(b => b.Status.PercentUsed).ThenBy(b => b.Budget.Name, StringComparer.Ordinal)
        .ToList();

    // One table's costs in the two weeks compared: one team's by a dimension, or everybody's.
    private async Task<(IReadOnlyList<KeyCost> Current, IReadOnlyList<KeyCost> Previous)> ReadCostsAsync(
        string dimension, QueryWindow thisWeek, QueryWindow lastWeek, Task<SpendReport> teamsThisWeek, Task<SpendReport> teamsLastWeek,
        CancellationToken cancellationToken)
    {
        if (Team is { } team)
        {
            var current = spend.TeamCostsAsync(thisWeek, team, dimension, cancellationToken: cancellationToken);
            var previous = spend.TeamCostsAsync(lastWeek, team, dimension, cancellationToken: cancellationToken);
            return (await current, await previous);
        }

        if (dimension == "team")
        {
            return (Costs(await teamsThisWeek), Costs(await teamsLastWeek));
        }

        var thisWeekRead = spend.GetAsync(thisWeek, dimension, cancellationToken: cancellationToken);
        var lastWeekRead = spend.GetAsync(lastWeek, dimension, cancellationToken: cancellationToken);
        return (Costs(await thisWeekRead), Costs(await lastWeekRead));
    }

    private static List<KeyCost> Costs(SpendReport report) => [.. report.Rows.Select(r => new KeyCost(r.Key, r.CostUsd))];

    /// <summary>The ECharts option of the cost-per-request line, as JSON for charts.js.</summary>
    public string TrendChartJson()
    {
        // Every week is labelled (the reviewed one is the last) and every week with requests has a
        // visible mark, so that a single week of data is a point rather than an empty chart; the
        // chart appears drawn rather than swept in from the left, which hid the newest weeks at first.
        var option = new
        {
            animation = false,
            tooltip = new { trigger = "axis" },
            grid = new { left = 70, right = 20, top = 36, bottom = 30 },
            xAxis = new { type = "category", data = Trend.Select(p => p.WeekStartUtc.ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture)).ToArray(), axisLabel = new { interval = 0 } },
            yAxis = new { type = "value", name = "$ / request" },
            series = new[]
            {
                new { type = "line", name = "Cost per request", showSymbol = true, symbolSize = 7, data = Trend.Select(p => p.CostPerRequestUsd is { } c ? (object)Math.Round(c, 6) : null).ToArray() },
            },
        };
        return JsonSerializer.Serialize(option);
    }
}
