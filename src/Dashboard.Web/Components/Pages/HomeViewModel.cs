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

        var byDimension = new Dictionary<string, IReadOnlyList<SpendChange>>();
        var beyond = new Dictionary<string, int>();
        var all = new List<SpendChange>();
        var teamsThisWeek = await spend.GetAsync(thisWeek, "team", cancellationToken: cancellationToken);
        var teamsLastWeek = await spend.GetAsync(lastWeek, "team", cancellationToken: cancellationToken);
        // The picker offers every team of last week, also those with no spend yet in the part compared.
        var teamsWholeLastWeek = IsWeekSoFar ? await spend.GetAsync(QueryWindow.Create(LastWeekStartUtc, WeekStartUtc), "team", cancellationToken: cancellationToken) : teamsLastWeek;
        Teams = [.. teamsThisWeek.Rows.Concat(teamsWholeLastWeek.Rows).Select(r => r.Key).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        foreach (var (dimension, _) in ShownDimensions)
        {
            IReadOnlyList<KeyCost> current, previous;
            if (Team is not null)
            {
                current = await spend.TeamCostsAsync(thisWeek, Team, dimension, cancellationToken: cancellationToken);
                previous = await spend.TeamCostsAsync(lastWeek, Team, dimension, cancellationToken: cancellationToken);
            }
            else if (dimension == "team")
            {
                (current, previous) = (Costs(teamsThisWeek), Costs(teamsLastWeek));
            }
            else
            {
                current = Costs(await spend.GetAsync(thisWeek, dimension, cancellationToken: cancellationToken));
                previous = Costs(await spend.GetAsync(lastWeek, dimension, cancellationToken: cancellationToken));
            }

            var changes = WeeklyReview.Compare(dimension, current, previous);
            all.AddRange(changes);
            byDimension[dimension] = changes.Take(WeeklyReview.MaxRowsPerTable).ToList();
            beyond[dimension] = Math.Max(0, changes.Count - WeeklyReview.MaxRowsPerTable);
        }

        ByDimension = byDimension;
        RowsBeyondLimit = beyond;
        (Increases, Decreases) = WeeklyReview.Movers(all);

        var trend = new List<WeekPoint>();
        for (var i = TrendWeeks - 1; i >= 0; i--)
        {
            var start = WeekStartUtc.AddDays(-7 * i);
            var summary = await summaries.GetAsync(QueryWindow.Create(start, start.AddDays(7)), filter, cancellationToken);
            trend.Add(new WeekPoint(start, summary.CostPerRequestUsd, summary.Requests));
            if (i == 1)
            {
                LastWeekWholeUsd = summary.CostUsd;
            }
        }

        Trend = trend;
        var thisPart = await summaries.GetAsync(thisWeek, filter, cancellationToken);
        var lastPart = await summaries.GetAsync(lastWeek, filter, cancellationToken);
        Total = new SpendChange("total", null, thisPart.CostUsd, lastPart.CostUsd);
        RequestsThisWeek = thisPart.Requests;
        var savings = await orchestration.GetSavingsAsync(thisWeek, projectId: null, Team, cancellationToken);
        RoutingSavings = savings.Routing;
        CacheSavingsUsd = savings.EstimatedCacheSavingsUsd;
        Budgets = tracker.Budgets.All
            .Where(b => Team is null || (b.Scope == BudgetScopes.Team && b.ScopeKey == Team))
            .Select(b => new BudgetLine(b, BudgetStatus.Of(b, tracker.Figures(b, now))))
            .OrderByDescending(b => b.Status.PercentUsed).ThenBy(b => b.Budget.Name, StringComparer.Ordinal)
            .ToList();
        Anomalies = await anomalies.StrongestAsync(null, WeekStartUtc, WeekStartUtc.AddDays(7), Team, cancellationToken);
    }

    private static List<KeyCost> Costs(SpendReport report) => [.. report.Rows.Select(r => new KeyCost(r.Key, r.CostUsd))];

    /// <summary>The ECharts option of the cost-per-request line, as JSON for charts.js.</summary>
    public string TrendChartJson()
    {
        var option = new
        {
            tooltip = new { trigger = "axis" },
            grid = new { left = 70, right = 20, top = 36, bottom = 30 },
            xAxis = new { type = "category", data = Trend.Select(p => p.WeekStartUtc.ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture)).ToArray() },
            yAxis = new { type = "value", name = "$ / request" },
            series = new[]
            {
                new { type = "line", name = "Cost per request", data = Trend.Select(p => p.CostPerRequestUsd is { } c ? (object)Math.Round(c, 6) : null).ToArray() },
            },
        };
        return JsonSerializer.Serialize(option);
    }
}
