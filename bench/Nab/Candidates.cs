using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>The detector configurations the benchmark compares; each applies to every file alike.</summary>
internal static class Candidates
{
    public static NabCandidate Of(string name, EnsembleSettings settings) =>
        new(name, f => EnsembleAnomalyDetector.ScoreSeries(f.Timestamps, f.Values, settings).Select(s => s.Score).ToArray());

    /// <summary>
    /// The small grid cross-validation chooses from: the shipped forecaster and a few neighbours
    /// of its settings (how long an incident is damped, how much weight the drift test gets, how
    /// heavy a tail widens the band).
    /// </summary>
    public static IReadOnlyList<NabCandidate> Grid(bool withPattern)
    {
        var shipped = EnsembleSettings.Default;
        var baseline = withPattern ? shipped : shipped with { Pattern = null };
        var forecast = baseline.Forecast;
        var grid = new List<NabCandidate>
        {
            Of("shipped", baseline),
            Of("repeat 200", baseline with { Forecast = forecast with { RepeatPoints = 200 } }),
            Of("repeat 50", baseline with { Forecast = forecast with { RepeatPoints = 50 } }),
            Of("drift weight 1.0", baseline with { Forecast = forecast with { SustainWeight = 1.0 } }),
            Of("drift weight 1.4", baseline with { Forecast = forecast with { SustainWeight = 1.4 } }),
            Of("tail 0.995", baseline with { Forecast = forecast with { TailQuantile = 0.995, NormalTail = 2.807 } }),
        };
        if (withPattern)
        {
            grid.Add(Of("pattern width 1.5", baseline with { PatternWidth = 1.5 }));
            grid.Add(Of("pattern width 3", baseline with { PatternWidth = 3 }));
            grid.Add(Of("pattern rank 3", baseline with { Pattern = baseline.Pattern! with { Rank = 3 } }));
        }
        return grid;
    }

    public static IEnumerable<NabCandidate> Explore()
    {
        var forecastOnly = EnsembleSettings.Default with { Pattern = null };
        yield return Of("forecast", forecastOnly);
        foreach (var w in new[] { 1.25, 1.5, 1.75, 2.0, 2.5 })
        {
            yield return Of($"forecast|pattern w{w}", forecastOnly with { Pattern = PatternSettings.Default, PatternWidth = w });
        }
        yield return Of($"forecast|pattern w2 rank 2", forecastOnly with { Pattern = PatternSettings.Default with { Rank = 2 }, PatternWidth = 2 });
        yield return Of($"forecast|pattern w2 rank 5", forecastOnly with { Pattern = PatternSettings.Default with { Rank = 5 }, PatternWidth = 2 });
        yield return Of($"forecast|pattern w2 len 8", forecastOnly with { Pattern = PatternSettings.Default with { Length = 8 }, PatternWidth = 2 });
        yield return Of($"forecast|pattern w2 len 32", forecastOnly with { Pattern = PatternSettings.Default with { Length = 32 }, PatternWidth = 2 });
    }
}
