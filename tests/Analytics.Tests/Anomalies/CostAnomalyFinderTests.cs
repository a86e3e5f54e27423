using Tollgate.Analytics.Anomalies;

namespace Tollgate.Analytics.Tests.Anomalies;

public class CostAnomalyFinderTests
{
    private static readonly DateTime _until = new(2026, 11, 18, 12, 0, 0, DateTimeKind.Utc); // a Wednesday noon
    private static readonly DateTime _from = _until - AnomalyScanner.History;
    private static readonly DateTime _reportFrom = _until - AnomalyScanner.ReportWindow;

    // A steady $1 an hour with a small deterministic wobble, from `days` days before the last hour; $6 at the last hour.
    private static List<HourlyCost> SteadyWithFinalSpike(double days)
    {
        var first = _until.AddHours(-1) - TimeSpan.FromDays(days);
        var costs = new List<HourlyCost>();
        for (var hour = first; hour < _until; hour = hour.AddHours(1))
        {
            var value = hour == _until.AddHours(-1) ? 6.0 : 1.0 + (0.05 * ((hour.Hour * 7) % 5 - 2));
            costs.Add(new HourlyCost(1, AnomalyDimensions.Total, HourlyCostReader.TotalKey, hour, value));
        }

        return costs;
    }

    [Fact]
    public void A_spike_after_more_than_a_week_of_history_is_reported()
    {
        var found = CostAnomalyFinder.Find(SteadyWithFinalSpike(days: 10), _from, _until, _reportFrom);

        found.ShouldContain(a => a.Hour == _until.AddHours(-1) && a.Dimension == AnomalyDimensions.Total && a.ActualUsd == 6.0);
    }

    [Fact]
    public void The_same_spike_in_a_series_younger_than_a_week_is_not_reported()
    {
        var found = CostAnomalyFinder.Find(SteadyWithFinalSpike(days: 6.5), _from, _until, _reportFrom);

        found.ShouldBeEmpty();
    }

    [Fact]
    public void A_series_that_spent_once_days_ago_and_spends_again_is_not_an_anomaly_before_its_first_week()
    {
        // What the weekly review's browser test seeds: $3 three and a half days ago, nothing since, then $4.50.
        var costs = new List<HourlyCost>
        {
            new(1, AnomalyDimensions.Total, HourlyCostReader.TotalKey, _until.AddHours(-84), 3.0),
            new(1, AnomalyDimensions.Team, "search", _until.AddHours(-84), 2.0),
            new(1, AnomalyDimensions.Team, "billing", _until.AddHours(-84), 1.0),
            new(1, AnomalyDimensions.Total, HourlyCostReader.TotalKey, _until.AddHours(-2), 4.5),
            new(1, AnomalyDimensions.Team, "search", _until.AddHours(-2), 4.5),
        };

        var found = CostAnomalyFinder.Find(costs, _from, _until, _reportFrom);

        found.ShouldBeEmpty();
        // Had the first spend been a week earlier, the same burst after ten quiet days would be news.
        var later = costs.Select(c => c.Hour < _until.AddHours(-2) ? c with { Hour = c.Hour.AddHours(-168) } : c).ToList();
        CostAnomalyFinder.Find(later, _from, _until, _reportFrom).ShouldContain(a => a.Dimension == AnomalyDimensions.Total && a.Hour == _until.AddHours(-2));
    }
}
