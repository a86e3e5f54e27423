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
        var baseline = (withPattern ? shipped : shipped with { Pattern = null }) with { Context = null };
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
            grid.Add(Of("pattern exponent 0.25", baseline with { PatternExponent = 0.25 }));
            grid.Add(Of("pattern exponent 1", baseline with { PatternExponent = 1 }));
        }
        return grid;
    }

    public static IEnumerable<NabCandidate> Explore()
    {
        var forecastOnly = EnsembleSettings.Default with { Context = null, Pattern = null };
        yield return Of("forecast", forecastOnly);
        foreach (var (e, lo, hi) in Array.Empty<(double, double, double)>())
        {
            yield return Of($"forecast*context^{e} [{lo},{hi}]", forecastOnly with { Context = ContextSettings.Default, ContextExponent = e, MinFactor = lo, MaxFactor = hi });
        }
        foreach (var e in Array.Empty<double>())
        {
            yield return Of($"forecast*pattern^{e}", forecastOnly with { Pattern = PatternSettings.Default, PatternExponent = e });
        }
        yield return Of("forecast*context*pattern", EnsembleSettings.Default);
        foreach (var settings in new[] { ContextSettings.Default, ContextSettings.Default with { Length = 4 }, ContextSettings.Default with { Length = 16, References = 1000 } })
        {
            yield return new NabCandidate($"context alone L{settings.Length} M{settings.References}", f => { var d = new ContextAnomalyDetector(settings); return Damped(f.Values.Select(v => d.Observe(v)).ToList()); });
        }
    }

    private static double[] Damped(IEnumerable<double?> novelty)
    {
        var scores = new List<double>();
        var last = -1000;
        foreach (var n in novelty)
        {
            var r = n ?? 0;
            var s = r * r / (r * r + 4);
            if (scores.Count - last <= 100)
            {
                s *= 0.5;
            }
            if (s >= 0.5)
            {
                last = scores.Count;
            }
            scores.Add(s);
        }
        return scores.ToArray();
    }
}
