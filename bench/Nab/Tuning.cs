using System.Globalization;
using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>
/// Explores variations of the detector's single configuration one setting at a time (every
/// variation is applied to all files alike) and prints the standard-profile score of each.
/// </summary>
internal static class Tuning
{
    public static void Run(IReadOnlyList<NabFile> files, IEnumerable<(string Name, DetectorSettings Settings)> candidates)
    {
        foreach (var (name, settings) in candidates)
        {
            var scores = files.Select(f => SeasonalAnomalyDetector.ScoreSeries(f.Timestamps, f.Values, settings).Select(s => s.Score).ToArray()).ToList();
            var standard = NabScorer.Score(files, scores, NabProfile.Standard);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {standard.NormalisedScore,7:F1} (threshold {standard.Threshold:F3})"));
        }
    }
}

/// <summary>Greedy coordinate search over the detector settings, for exploring only.</summary>
internal static class CoordinateSearch
{
    private static readonly (string Name, double[] Values, Func<DetectorSettings, double, DetectorSettings> Set)[] _axes =
    [
        ("TailQuantile", [0.99, 0.995, 0.998, 0.999, 0.9995], (s, v) => s with { TailQuantile = v, NormalTail = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1 - (1 - v) / 2) }),
        ("TailGain", [0.03, 0.1, 0.3, 0.6], (s, v) => s with { TailGain = v }),
        ("LevelGain", [0.03, 0.05, 0.1, 0.2, 0.3, 0.5], (s, v) => s with { LevelGain = v }),
        ("ScaleGain", [0.01, 0.025, 0.05, 0.1], (s, v) => s with { ScaleGain = v }),
        ("ClipWidth", [2, 2.5, 3, 3.5, 4.5, 6], (s, v) => s with { ClipWidth = v }),
        ("ShiftPoints", [4, 6, 8, 12, 20, 1000], (s, v) => s with { ShiftPoints = (int)v }),
        ("ShiftWidth", [2, 3, 4, 5], (s, v) => s with { ShiftWidth = v }),
        ("DailyGain", [0.05, 0.15, 0.3], (s, v) => s with { DailyGain = v }),
        ("WeeklyGain", [0.0, 0.05, 0.1, 0.2], (s, v) => s with { WeeklyGain = v }),
        ("DispersionFloor", [0.05, 0.1, 0.25, 0.5], (s, v) => s with { DispersionFloor = v }),
        ("RepeatPoints", [0, 20, 50, 100, 200, 400], (s, v) => s with { RepeatPoints = (int)v }),
        ("SustainGain", [0.0, 0.02, 0.05, 0.1, 0.2], (s, v) => s with { SustainGain = v }),
        ("SustainWeight", [0.5, 0.7, 0.85, 1.0, 1.2], (s, v) => s with { SustainWeight = v }),
        ("RepeatFactor", [0.3, 0.5, 0.7, 0.85, 1.0], (s, v) => s with { RepeatFactor = v }),
    ];

    public static DetectorSettings Run(IReadOnlyList<NabFile> files, DetectorSettings start, int rounds)
    {
        var best = start;
        var bestScore = Evaluate(files, best);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start {bestScore:F2}"));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, values, set) in _axes)
            {
                foreach (var value in values)
                {
                    var candidate = set(best, value);
                    var score = Evaluate(files, candidate);
                    if (score > bestScore + 0.05)
                    {
                        best = candidate;
                        bestScore = score;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} = {value}: {score:F2}"));
                    }
                }
            }
        }
        Console.WriteLine(best);
        return best;
    }

    private static double Evaluate(IReadOnlyList<NabFile> files, DetectorSettings settings)
    {
        var scores = files.Select(f => SeasonalAnomalyDetector.ScoreSeries(f.Timestamps, f.Values, settings).Select(s => s.Score).ToArray()).ToList();
        return NabScorer.Score(files, scores, NabProfile.Standard).NormalisedScore;
    }
}
