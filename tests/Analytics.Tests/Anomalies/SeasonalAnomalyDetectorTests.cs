using Tollgate.Analytics.Anomalies;

namespace Tollgate.Analytics.Tests.Anomalies;

public class SeasonalAnomalyDetectorTests
{
    private static readonly DateTime _start = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc); // a Monday

    // Hourly cost with a daily cycle (100 ± 30, peak at 06:00) and quieter weekends (-40),
    // plus normal noise of deviation 3 from a fixed seed.
    private static double Seasonal(DateTime t)
    {
        var daily = 30 * Math.Sin(2 * Math.PI * t.Hour / 24.0);
        var weekend = t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? -40 : 0;
        return 100 + daily + weekend;
    }

    private static double Noise(Random random, double deviation)
    {
        // Box-Muller: one normal draw from two uniform ones.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return deviation * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static (DateTime[] Times, double[] Values) Hourly(int hours, Func<int, DateTime, double> value)
    {
        var times = Enumerable.Range(0, hours).Select(h => _start.AddHours(h)).ToArray();
        return (times, times.Select((t, h) => value(h, t)).ToArray());
    }

    [Fact]
    public void A_spike_on_a_seasonal_series_is_flagged_with_the_seasonal_value_as_expected()
    {
        var random = new Random(42);
        const int spike = (4 * 7 * 24) + (2 * 24) + 14; // week 5, Wednesday 14:00
        var (times, values) = Hourly(5 * 7 * 24, (h, t) => Seasonal(t) + Noise(random, 3) + (h == spike ? 80 : 0));

        var scores = SeasonalAnomalyDetector.ScoreSeries(times, values);

        var seasonal = Seasonal(times[spike]); // 100 + 30 sin(2π 14/24) = 100 - 15 = 85
        scores[spike].Score.ShouldBeGreaterThan(0.5);
        scores[spike].Expected.ShouldBe(seasonal, 6.0);
        scores[spike].Lower.ShouldBeLessThan(seasonal);
        scores[spike].Upper.ShouldBeGreaterThan(seasonal);
        scores[spike].Upper.ShouldBeLessThan(values[spike]);
        // The rest of the last week follows its daily and weekly pattern: almost nothing flagged.
        var lastWeek = Enumerable.Range(4 * 7 * 24, 7 * 24).Where(h => h != spike).ToList();
        lastWeek.Count(h => scores[h].Score > 0.5).ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void A_level_shift_is_flagged_where_it_happens_and_then_learnt_as_the_new_level()
    {
        var random = new Random(7);
        const int shift = 14 * 24;
        var (times, values) = Hourly(28 * 24, (h, t) => (h < shift ? 50 : 80) + Noise(random, 1));

        var scores = SeasonalAnomalyDetector.ScoreSeries(times, values);

        scores[shift].Score.ShouldBeGreaterThan(0.5);
        // A day later the new level is normal: nothing flagged for the remaining 13 days.
        Enumerable.Range(shift + 24, (28 * 24) - shift - 24).Count(h => scores[h].Score > 0.5).ShouldBe(0);
        scores[^1].Expected.ShouldBe(80, 2.0);
    }

    [Fact]
    public void Scores_of_a_prefix_do_not_depend_on_later_points()
    {
        var random = new Random(3);
        var (times, values) = Hourly(1000, (h, t) => Seasonal(t) + Noise(random, 3) + (h % 97 == 0 ? 50 : 0));

        var full = SeasonalAnomalyDetector.ScoreSeries(times, values);
        var prefix = SeasonalAnomalyDetector.ScoreSeries(times[..600], values[..600]);

        prefix.ShouldBe(full[..600]);
    }

    [Theory]
    [MemberData(nameof(NoiseDraws.Seeds), MemberType = typeof(NoiseDraws))]
    [InlineData(11)]
    public void An_outlier_in_history_moves_the_forecast_little_and_widens_the_band_only_briefly(int seed)
    {
        const int outlier = 500;
        var noise = new Random(seed);
        var draws = Enumerable.Range(0, 800).Select(_ => Noise(noise, 1)).ToArray();
        var (times, clean) = Hourly(800, (h, t) => 50 + draws[h]);
        var withOutlier = clean.Select((v, h) => h == outlier ? v + 100 : v).ToArray();

        var baseline = SeasonalAnomalyDetector.ScoreSeries(times, clean);
        var scores = SeasonalAnomalyDetector.ScoreSeries(times, withOutlier);

        static double Width(AnomalyScore s) => s.Upper - s.Lower;
        scores[outlier].Score.ShouldBeGreaterThan(0.5);
        // A 100-deviation outlier moves the next two days' forecasts by less than one deviation
        // (its update is clipped), and a day later the band is within a quarter of its width
        // in the same series without the outlier.
        Enumerable.Range(outlier + 1, 48).Max(h => Math.Abs(scores[h].Expected - baseline[h].Expected)).ShouldBeLessThan(1.0);
        Width(scores[outlier + 24]).ShouldBeLessThan(1.25 * Width(baseline[outlier + 24]));
    }

    [Fact]
    public void Every_point_is_scored_between_zero_and_one_inside_an_ordered_band()
    {
        var random = new Random(5);
        var (times, values) = Hourly(400, (h, t) => Seasonal(t) + Noise(random, 10));

        var scores = SeasonalAnomalyDetector.ScoreSeries(times, values);

        scores.ShouldAllBe(s => s.Score >= 0 && s.Score <= 1 && s.Lower <= s.Expected && s.Expected <= s.Upper);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Should.Throw<ArgumentException>(() => SeasonalAnomalyDetector.ScoreSeries([_start], [1.0, 2.0]));
    }
}
