using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>
/// What the product needs of a configuration whatever it scores on NAB, checked on synthetic
/// hourly series (so keeping only the configurations that pass owes nothing to NAB's files):
/// <list type="bullet">
/// <item>a lasting step of 2.5 deviations (a tenth of the hourly cost) is flagged within two days;</item>
/// <item>one outlier of 100 deviations moves the next two days' forecasts by less than a deviation,
/// and a day later the band is back within a quarter of its width in the same series without it;</item>
/// <item>one outlier of 20 deviations is one incident: flagged, and nothing flagged in the two days after.</item>
/// </list>
/// Each must hold on most of five noise draws: a single draw can make either fail or pass by
/// luck. The analytics tests check the shipped configuration on each of the five draws.
/// </summary>
internal static class ProductRequirements
{
    private static readonly int[] _seeds = [1, 2, 3, 4, 5];
    private static readonly DateTime _start = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);

    public static bool Met(DetectorSettings forecast) => Met(EnsembleSettings.Default with { Forecast = forecast, Pattern = null });

    public static bool Met(EnsembleSettings settings) =>
        2 * _seeds.Count(seed => FlagsSmallStep(settings, seed)) > _seeds.Length
        && 2 * _seeds.Count(seed => RecoversFromOutlier(settings, seed)) > _seeds.Length
        && 2 * _seeds.Count(seed => FlagsOutlierOnce(settings, seed)) > _seeds.Length;

    /// <summary>Each requirement on each seed, for the benchmark's output.</summary>
    public static string Detail(DetectorSettings forecast) => Detail(EnsembleSettings.Default with { Forecast = forecast, Pattern = null });

    public static string Detail(EnsembleSettings settings) =>
        string.Join("; ", _seeds.Select(seed => $"seed {seed}: step {(FlagsSmallStep(settings, seed) ? "flagged" : "missed")}, outlier {(RecoversFromOutlier(settings, seed) ? "recovered" : "not recovered")}, {(FlagsOutlierOnce(settings, seed) ? "once" : "more than once")}"));

    private static bool FlagsSmallStep(EnsembleSettings settings, int seed)
    {
        const int step = 600;
        var random = new Random(seed);
        var values = Enumerable.Range(0, 700).Select(h => 50 + 2 * SyntheticCosts.StandardNormal(random) + (h >= step ? 5 : 0)).ToArray();
        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values, settings);
        return Enumerable.Range(step, 48).Any(h => scores[h].Score >= CostAnomalyFinder.FlagScore);
    }

    private static bool RecoversFromOutlier(EnsembleSettings settings, int seed)
    {
        const int outlier = 500;
        var random = new Random(seed);
        var clean = Enumerable.Range(0, 800).Select(_ => 50 + SyntheticCosts.StandardNormal(random)).ToArray();
        var disturbed = clean.Select((v, h) => h == outlier ? v + 100 : v).ToArray();
        var hours = Hours(clean.Length);
        var baseline = EnsembleAnomalyDetector.ScoreSeries(hours, clean, settings);
        var scores = EnsembleAnomalyDetector.ScoreSeries(hours, disturbed, settings);
        static double Width(AnomalyScore s) => s.Upper - s.Lower;
        return Enumerable.Range(outlier + 1, 48).All(h => Math.Abs(scores[h].Expected - baseline[h].Expected) < 1.0)
            && Width(scores[outlier + 24]) < 1.25 * Width(baseline[outlier + 24]);
    }

    /// <summary>An outlier of 20 deviations is one incident: flagged, then nothing else flagged in the next two days.</summary>
    private static bool FlagsOutlierOnce(EnsembleSettings settings, int seed)
    {
        const int outlier = 500;
        var random = new Random(seed);
        var values = Enumerable.Range(0, 800).Select(h => 50 + SyntheticCosts.StandardNormal(random) + (h == outlier ? 20 : 0)).ToArray();
        var scores = EnsembleAnomalyDetector.ScoreSeries(Hours(values.Length), values, settings);
        return scores[outlier].Score >= CostAnomalyFinder.FlagScore
            && Enumerable.Range(outlier + 1, 48).All(h => scores[h].Score < CostAnomalyFinder.FlagScore);
    }

    private static DateTime[] Hours(int count) => [.. Enumerable.Range(0, count).Select(h => _start.AddHours(h))];
}
