using Tollgate.Analytics.Anomalies;

namespace Tollgate.Analytics.Tests.Anomalies;

public class MixAnomalyFinderTests
{
    private static readonly DateTime _from = new(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc);
    private const int Hours = 35 * 24;
    private static readonly DateTime _until = _from.AddHours(Hours);
    private static readonly DateTime _reportFrom = _until.AddHours(-24);

    /// <summary>
    /// A project whose total follows a daily wave, split between three models at about 50/30/20
    /// with noise; from <paramref name="shiftHour"/> on, 'frontier' takes <paramref name="frontierShare"/>
    /// of the same total, the other two giving way in proportion.
    /// </summary>
    private static List<HourlyCost> Project(int firstHour = 0, int shiftHour = int.MaxValue, double frontierShare = 0.2)
    {
        var random = new Random(5);
        var costs = new List<HourlyCost>();
        for (var h = firstHour; h < Hours; h++)
        {
            var hour = _from.AddHours(h);
            var total = 10 * (1 + (0.4 * Math.Sin(2 * Math.PI * h / 24)));
            var raw = new[] { 0.5, 0.3, 0.2 }.Select(s => s * (1 + (0.1 * (random.NextDouble() - 0.5)))).ToArray();
            var shares = raw.Select(r => r / raw.Sum()).ToArray();
            if (h >= shiftHour)
            {
                var rest = (1 - frontierShare) / (1 - shares[2]);
                shares = [shares[0] * rest, shares[1] * rest, frontierShare];
            }
            costs.Add(new HourlyCost(1, AnomalyDimensions.Total, HourlyCostReader.TotalKey, hour, total));
            costs.Add(new HourlyCost(1, AnomalyDimensions.Team, "search", hour, total));
            costs.Add(new HourlyCost(1, AnomalyDimensions.Model, "small", hour, total * shares[0]));
            costs.Add(new HourlyCost(1, AnomalyDimensions.Model, "medium", hour, total * shares[1]));
            costs.Add(new HourlyCost(1, AnomalyDimensions.Model, "frontier", hour, total * shares[2]));
        }
        return costs;
    }

    [Fact]
    public void A_jump_in_the_frontier_models_share_under_a_normal_total_is_reported_with_the_model_that_moved()
    {
        const int shift = Hours - 10;

        var found = MixAnomalyFinder.Find(Project(shiftHour: shift, frontierShare: 0.5), _from, _until, _reportFrom);

        var first = found.ShouldHaveSingleItem();
        first.Kind.ShouldBe(AnomalyKinds.Mix);
        first.Detector.ShouldBe(AnomalyDetectors.Mix);
        first.Hour.ShouldBe(_from.AddHours(shift));
        (first.Dimension, first.Key).ShouldBe((AnomalyDimensions.Model, "frontier"));
        first.ExpectedUsd.ShouldBeLessThan(first.ActualUsd);
        first.UpperUsd.ShouldBeLessThan(first.ActualUsd);
        first.Explanation.ShouldNotBeNull();
        first.Explanation.ShouldContain("model 'frontier' took 50%");
        first.Explanation.ShouldContain("usually 20%");
    }

    [Fact]
    public void A_steady_mix_raises_no_mix_anomaly()
    {
        MixAnomalyFinder.Find(Project(), _from, _until, _reportFrom).ShouldBeEmpty();
    }

    [Fact]
    public void A_project_with_less_than_a_week_of_history_before_the_reported_hours_is_not_judged()
    {
        var young = Project(firstHour: Hours - (6 * 24), shiftHour: Hours - 10, frontierShare: 0.5);

        MixAnomalyFinder.Find(young, _from, _until, _reportFrom).ShouldBeEmpty();
    }

    [Fact]
    public void A_cost_shift_that_keeps_the_mix_is_not_a_mix_anomaly()
    {
        // Every model doubles at once: the total moves (a cost anomaly), the composition does not.
        var doubled = Project().Select(c => c.Hour >= _until.AddHours(-10) ? c with { CostUsd = 2 * c.CostUsd } : c).ToList();

        MixAnomalyFinder.Find(doubled, _from, _until, _reportFrom).ShouldBeEmpty();
    }
}
