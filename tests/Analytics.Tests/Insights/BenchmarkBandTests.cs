using Tollgate.Analytics.Benchmarks;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Tests.Insights;

public sealed class BenchmarkBandTests
{
    private static readonly BenchmarkBand Cogs = new(BenchmarkMetrics.CogsToRevenue, "AI COGS / revenue", "fraction", false, 0.40m, 0.15m, 0.25m, 0.10m);
    private static readonly BenchmarkBand Routing = new(BenchmarkMetrics.RoutingCoverage, "Model routing coverage", "fraction", true, 0.30m, 0.50m, 0.70m, 0.85m);
    private static readonly BenchmarkBand CostPerRequest = new(BenchmarkMetrics.CostPerRequest, "Inference cost per request", "usd", false, 0.10m, 0.01m, 0.05m, 0.005m);
    private static readonly BenchmarkBand Profitability = new(BenchmarkMetrics.FeatureProfitability, "AI feature profitability", "fraction", true, 0.30m, 0.50m, 0.60m, 0.80m);

    [Theory]
    [InlineData("0.0999", "elite")]
    [InlineData("0.10", "median")] // elite is strictly below 10%
    [InlineData("0.12", "median")] // between median and elite: the worse neighbour
    [InlineData("0.25", "median")] // the median range includes its bounds
    [InlineData("0.2501", "low")]
    [InlineData("0.30", "low")] // between low and median: the worse neighbour
    [InlineData("0.41", "low")]
    public void A_lower_is_better_value_is_placed_in_the_best_band_it_reaches(string value, string band) =>
        Cogs.Place(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(band);

    [Theory]
    [InlineData("0.8501", "elite")]
    [InlineData("0.85", "median")] // elite is strictly above 85%
    [InlineData("0.72", "median")]
    [InlineData("0.50", "median")]
    [InlineData("0.4999", "low")]
    [InlineData("0", "low")]
    public void A_higher_is_better_value_is_placed_in_the_best_band_it_reaches(string value, string band) =>
        Routing.Place(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(band);

    [Fact]
    public void Every_value_falls_in_exactly_one_band_and_that_band_is_the_one_it_is_placed_in()
    {
        foreach (var bands in new[] { Cogs, Routing, CostPerRequest, Profitability })
        {
            var ranges = bands.Ranges;
            // Every published bound, a hair either side of each, and a grid over the scale.
            var values = new[] { bands.LowBound, bands.MedianFrom, bands.MedianTo, bands.EliteBound }
                .SelectMany(b => new[] { b - 0.0001m, b, b + 0.0001m })
                .Concat(Enumerable.Range(0, 201).Select(i => i * 0.005m))
                .Where(v => v >= 0);
            foreach (var value in values)
            {
                var containing = new[] { (BenchmarkBand.Low, ranges.Low), (BenchmarkBand.Median, ranges.Median), (BenchmarkBand.Elite, ranges.Elite) }
                    .Where(r => Contains(r.Item2, value)).Select(r => r.Item1).ToList();
                containing.ShouldBe([bands.Place(value)!], $"{bands.Metric} at {value}");
            }
        }
    }

    [Fact]
    public void Values_in_the_published_gaps_are_shown_in_the_band_that_holds_them()
    {
        // $0.0088 per request: better than the published median ($0.01 to $0.05), not elite (below $0.005).
        CostPerRequest.Place(0.0088m).ShouldBe(BenchmarkBand.Median);
        CostPerRequest.Ranges.Median.ShouldBe(new BandRange(From: 0.005m, To: 0.05m));
        // 75% of features profitable: above the published median (50% to 60%), not elite (above 80%).
        Profitability.Place(0.75m).ShouldBe(BenchmarkBand.Median);
        Profitability.Ranges.ShouldBe(new BandRanges(new BandRange(Below: 0.50m), new BandRange(From: 0.50m, To: 0.80m), new BandRange(Above: 0.80m)));
    }

    private static bool Contains(BandRange range, decimal value) => range switch
    {
        { Above: { } above } => value > above,
        { Below: { } below } => value < below,
        _ => value >= range.From && value <= range.To,
    };

    [Fact]
    public void No_value_has_no_band() => Cogs.Place(null).ShouldBeNull();

    [Fact]
    public void Bands_out_of_order_for_their_direction_are_refused()
    {
        (Cogs with { EliteBound = 0.20m }).Problem().ShouldBe("for this metric elite ≤ medianFrom ≤ medianTo ≤ low");
        (Routing with { LowBound = 0.60m }).Problem().ShouldBe("for this metric low ≤ medianFrom ≤ medianTo ≤ elite");
        (Routing with { MedianFrom = 0.75m }).Problem().ShouldBe("medianFrom must not be above medianTo");
        Cogs.Problem().ShouldBeNull();
    }

    [Fact]
    public void The_report_computes_each_metric_from_the_figures_and_places_it()
    {
        var figures = new OrganisationFigures
        {
            Window = new QueryWindow(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc)),
            Requests = 100,
            RoutedRequests = 90,
            CostUsd = 3m,
            RevenueUsd = 20m,
            Features =
            [
                new("answers", 60, 0, 2m, 15m),
                new("triage", 30, 0, 1m, 5m),
                new("drafts", 10, 0, 0.5m, 0m),
                new(null, 5, 0, 0.1m, 0m), // unattributed cost is not a feature
            ],
        };

        var rows = BenchmarkReport.Build(figures, [Cogs, CostPerRequest, Routing, Profitability]);

        // COGS 3 / 20 = 0.15 (median); cost per request 3 / 100 = 0.03 (median);
        // routing 90 / 100 = 0.9 (elite); profitable features 2 of 3 = 0.666667 (median: reached 0.5, not above 0.8).
        rows.Select(r => (r.Bands.Metric, r.Value, r.Band)).ShouldBe(
        [
            (BenchmarkMetrics.CogsToRevenue, 0.15m, "median"),
            (BenchmarkMetrics.CostPerRequest, 0.03m, "median"),
            (BenchmarkMetrics.RoutingCoverage, 0.9m, "elite"),
            (BenchmarkMetrics.FeatureProfitability, 0.666667m, "median"),
        ]);
    }

    [Fact]
    public void Without_revenue_the_COGS_ratio_has_no_value_and_no_band()
    {
        var figures = new OrganisationFigures { Window = new QueryWindow(DateTime.UnixEpoch, DateTime.UnixEpoch.AddDays(1)), Requests = 1, CostUsd = 1m };

        var row = BenchmarkReport.Build(figures, [Cogs]).Single();

        row.Value.ShouldBeNull();
        row.Band.ShouldBeNull();
    }
}
