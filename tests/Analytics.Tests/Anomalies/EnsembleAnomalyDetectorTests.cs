using Tollgate.Analytics.Anomalies;

namespace Tollgate.Analytics.Tests.Anomalies;

public class EnsembleAnomalyDetectorTests
{
    private static readonly DateTime _start = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc); // a Monday

    private static DateTime[] Hours(int count) => Enumerable.Range(0, count).Select(h => _start.AddHours(h)).ToArray();

    private static double Noise(Random random, double deviation) =>
        deviation * Math.Sqrt(-2 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(200)]
    public void A_series_of_rare_spends_on_zero_hours_is_scored_without_failing(int every)
    {
        // The shape of a new team's spend: nothing most hours, a few cents now and then. The
        // pattern model's windows are then nearly all zeros, which ML.NET may refuse to fit.
        var values = Enumerable.Range(0, 1_200).Select(i => i % every == 0 ? 0.03 : 0.0).ToArray();

        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values);

        scores.Length.ShouldBe(values.Length);
        scores.ShouldAllBe(s => s.Score >= 0 && s.Score <= 1);
    }

    [Fact]
    public void A_spike_is_flagged_by_the_forecaster_with_the_expected_value_and_a_band_that_excludes_it()
    {
        var random = new Random(1);
        const int spike = 600;
        var values = Enumerable.Range(0, 700).Select(h => 50 + (10 * Math.Sin(2 * Math.PI * h / 24)) + Noise(random, 1) + (h == spike ? 40 : 0)).ToArray();

        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values);

        scores[spike].Score.ShouldBeGreaterThan(CostAnomalyFinder.FlagScore);
        scores[spike].Detector.ShouldBe(AnomalyDetectors.Forecast);
        scores[spike].Expected.ShouldBe(50 + (10 * Math.Sin(2 * Math.PI * spike / 24)), tolerance: 3);
        scores[spike].IsOutsideBand(values[spike]).ShouldBeTrue();
        scores.Skip(200).Take(spike - 200).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
    }

    /// <summary>
    /// A five-hour oscillation the daily and weekly profiles cannot hold (five hours divide neither
    /// period, so the forecaster treats it as wide noise), which from <paramref name="change"/>
    /// runs at twice the pace with the same amplitude.
    /// </summary>
    private static double[] RhythmChange(int change) =>
        Enumerable.Range(0, 1400)
            .Select(h => 100 + (20 * Math.Sin(2 * Math.PI * h / (h < change ? 5.0 : 2.5))))
            .Select(Noisy(new Random(2), 0.5))
            .ToArray();

    private static Func<double, double> Noisy(Random random, double deviation) => v => v + Noise(random, deviation);

    [Fact]
    public void Allowed_to_flag_alone_the_pattern_detector_sees_a_change_of_rhythm_that_stays_within_the_band()
    {
        const int change = 1200;
        var values = RhythmChange(change);

        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values, EnsembleSettings.Default with { PatternGate = 0 });

        var flagged = Enumerable.Range(change, 48).First(h => scores[h].Score >= CostAnomalyFinder.FlagScore);
        scores[flagged].Detector.ShouldBe(AnomalyDetectors.Pattern);
        scores[flagged].IsOutsideBand(values[flagged]).ShouldBeFalse();
        scores.Skip(500).Take(change - 500).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
    }

    [Fact]
    public void As_shipped_the_pattern_detector_confirms_rather_than_flags_alone_so_the_same_change_in_the_middle_of_the_band_is_not_flagged()
    {
        const int change = 1200;
        var values = RhythmChange(change);

        var shipped = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values);
        var forecasterAlone = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values, EnsembleSettings.Default with { Pattern = null });

        shipped.Skip(change).Take(48).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
        forecasterAlone.Skip(change).Take(48).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
    }

    [Fact]
    public void A_value_just_inside_the_band_that_breaks_the_series_shape_is_flagged_by_the_pattern_detector_where_the_forecaster_alone_lets_it_pass()
    {
        // The steady five-hour oscillation; at one hour a value at 95% of the way from the
        // forecast to the band's upper edge (the forecaster's band there, from a run without it).
        const int at = 1200;
        var values = RhythmChange(change: int.MaxValue);
        var hours = Hours(values.Length);
        var before = EnsembleAnomalyDetector.ScoreSeries(hours, values, EnsembleSettings.Default with { Pattern = null })[at];
        values[at] = before.Expected + (0.95 * (before.Upper - before.Expected));

        var shipped = EnsembleAnomalyDetector.ScoreSeries(hours, values);
        var forecasterAlone = EnsembleAnomalyDetector.ScoreSeries(hours, values, EnsembleSettings.Default with { Pattern = null });

        forecasterAlone[at].Score.ShouldBeLessThan(CostAnomalyFinder.FlagScore);
        forecasterAlone[at].IsOutsideBand(values[at]).ShouldBeFalse();
        shipped[at].Score.ShouldBeGreaterThanOrEqualTo(CostAnomalyFinder.FlagScore);
        shipped[at].Detector.ShouldBe(AnomalyDetectors.Pattern);
        shipped[at].Expected.ShouldBe(before.Expected, 1e-9);
        shipped.Skip(500).Take(at - 500).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
        // One incident: the windows that still hold the value do not flag it again.
        shipped.Skip(at + 1).Take(48).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
    }

    [Fact]
    public void The_pattern_detector_judges_an_outlier_once_not_again_in_every_window_that_still_holds_it()
    {
        // Allowed to flag alone, the pattern detector would find the outlier of a hundred
        // deviations in each of the next fifteen windows; it remembers the value clipped to the
        // forecaster's band instead, a bump its usual shapes absorb.
        const int at = 1200;
        var random = new Random(5);
        var values = Enumerable.Range(0, 1400).Select(h => 50 + (5 * Math.Sin(2 * Math.PI * h / 24)) + Noise(random, 1)).ToArray();
        values[at] += 100;

        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values, EnsembleSettings.Default with { PatternGate = 0 });

        scores[at].Score.ShouldBeGreaterThanOrEqualTo(CostAnomalyFinder.FlagScore);
        scores.Skip(at + 1).Take(48).ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
    }

    [Theory]
    [MemberData(nameof(NoiseDraws.Seeds), MemberType = typeof(NoiseDraws))]
    public void A_small_lasting_step_is_reported_as_a_level_shift(int seed)
    {
        var random = new Random(seed);
        const int step = 600;
        var values = Enumerable.Range(0, 700).Select(h => 50 + Noise(random, 2) + (h >= step ? 5 : 0)).ToArray();

        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values);

        var flagged = Enumerable.Range(step, 48).First(h => scores[h].Score >= CostAnomalyFinder.FlagScore);
        scores[flagged].Detector.ShouldBe(AnomalyDetectors.LevelShift);
    }

    [Fact]
    public void The_pattern_model_is_fitted_by_ml_net_once_there_is_history_and_refitted_as_it_grows()
    {
        var detector = new EnsembleAnomalyDetector();
        var hours = Hours(1000);

        for (var h = 0; h < 300; h++)
        {
            detector.Observe(hours[h], 10 + Math.Sin(h));
        }
        var early = detector.PatternFits;
        for (var h = 300; h < 1000; h++)
        {
            detector.Observe(hours[h], 10 + Math.Sin(h));
        }

        early.ShouldBe(0);
        detector.PatternFits.ShouldBe(2);
    }

    [Fact]
    public void A_flat_series_is_never_flagged_and_needs_no_pattern_model()
    {
        var detector = new EnsembleAnomalyDetector();

        var scores = Hours(1000).Select(t => detector.Observe(t, 3.0)).ToList();

        scores.ShouldAllBe(s => s.Score < CostAnomalyFinder.FlagScore);
        detector.PatternFits.ShouldBe(0);
    }

    [Fact]
    public void Scoring_is_online_a_prefix_scores_as_it_does_inside_the_whole_series()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 1200).Select(h => 30 + (5 * Math.Sin(2 * Math.PI * h / 24)) + Noise(random, 1)).ToArray();
        var times = Hours(values.Length);

        var whole = EnsembleAnomalyDetector.ScoreSeries(times, values);
        var prefix = EnsembleAnomalyDetector.ScoreSeries(times[..900], values[..900]);

        prefix.ShouldBe(whole[..900]);
    }
}
