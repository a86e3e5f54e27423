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
        ("TailGain", [0.05, 0.08, 0.1, 0.13, 0.2], (s, v) => s with { TailGain = v }),
        ("LevelGain", [0.07, 0.1, 0.15, 0.2], (s, v) => s with { LevelGain = v }),
        ("ScaleGain", [0.05, 0.07, 0.1, 0.15, 0.2], (s, v) => s with { ScaleGain = v }),
        ("ClipWidth", [3, 3.5, 4, 5], (s, v) => s with { ClipWidth = v }),
        ("ShiftPoints", [8, 10, 12, 16, 24], (s, v) => s with { ShiftPoints = (int)v }),
        ("ShiftWidth", [2, 3, 4, 5], (s, v) => s with { ShiftWidth = v }),
        ("DailyGain", [0.1, 0.15, 0.2], (s, v) => s with { DailyGain = v }),
        ("WeeklyGain", [0.0, 0.05, 0.1, 0.2], (s, v) => s with { WeeklyGain = v }),
        ("DispersionFloor", [0.3, 0.5, 0.7, 1.0], (s, v) => s with { DispersionFloor = v }),
        ("RepeatPoints", [100, 150, 200, 300, 500], (s, v) => s with { RepeatPoints = (int)v }),
        ("SustainGain", [0.03, 0.05, 0.07, 0.1], (s, v) => s with { SustainGain = v }),
        ("SustainWeight", [1.0, 1.1, 1.2, 1.4, 1.6], (s, v) => s with { SustainWeight = v }),
        ("RepeatFactor", [0.5, 0.6, 0.7, 0.8], (s, v) => s with { RepeatFactor = v }),
    ];

    /// <summary>
    /// A plain, hand-set starting point (the detector's first configuration before any search),
    /// so that a holdout check does not start from settings already tuned on all files.
    /// </summary>
    public static readonly DetectorSettings HandSet = new()
    {
        LevelGain = 0.1, ScaleGain = 0.025, ClipWidth = 2.5, ShiftPoints = 6, DailyGain = 0.15, WeeklyGain = 0.1, DispersionFloor = 0.25,
        TailQuantile = 0.99, NormalTail = 2.576, RepeatPoints = 100, RepeatFactor = 0.7, SustainGain = 0.1, SustainWeight = 1.0,
    };

    /// <summary>
    /// A second start that owes nothing to any data: the middle value of every axis the search
    /// walks (the lower of the two middles for an even count).
    /// </summary>
    public static DetectorSettings AxisMiddle => _axes.Aggregate(HandSet, (s, axis) => axis.Set(s, axis.Values[(axis.Values.Length - 1) / 2]));

    /// <summary>
    /// Searches from each start and keeps the configuration that scores best on these files: a
    /// greedy coordinate search stops at the first local optimum, so one start decides too much.
    /// </summary>
    public static DetectorSettings Run(IReadOnlyList<NabFile> files, SearchOptions options)
    {
        var evaluate = Objective(options.Objective);
        DetectorSettings[] starts = options.AxisMiddleStart ? [HandSet, AxisMiddle] : [HandSet];
        return starts.Select(start => Run(files, start, options.Rounds, quiet: true, options.Objective, options.Margin)).MaxBy(tuned => evaluate(files, tuned))!;
    }

    /// <summary>Tunes on every other file and scores the files it did not see, both ways round.</summary>
    public static void Holdout(IReadOnlyList<NabFile> files)
    {
        var even = files.Where((_, i) => i % 2 == 0).ToList();
        var odd = files.Where((_, i) => i % 2 == 1).ToList();
        foreach (var (tuneOn, scoreOn, name) in new[] { (even, odd, "even"), (odd, even, "odd") })
        {
            var tuned = Run(tuneOn, HandSet, 2, quiet: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tuned on {name} files: {Evaluate(tuneOn, tuned):F1} there, {Evaluate(scoreOn, tuned):F1} on the unseen half (shipped defaults there: {Evaluate(scoreOn, DetectorSettings.Default):F1}, hand-set start: {Evaluate(scoreOn, HandSet):F1})"));
        }
    }

    public static DetectorSettings Run(IReadOnlyList<NabFile> files, DetectorSettings start, int rounds, bool quiet = false, SearchObjective objective = SearchObjective.Pooled, double margin = SearchOptions.DefaultMargin)
    {
        var evaluate = Objective(objective);
        var best = start;
        var bestScore = evaluate(files, best);
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start {bestScore:F2}"));
        }
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, values, set) in _axes)
            {
                foreach (var value in values)
                {
                    var candidate = set(best, value);
                    var score = evaluate(files, candidate);
                    if (score > bestScore + margin)
                    {
                        best = candidate;
                        bestScore = score;
                        if (!quiet)
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} = {value}: {score:F2}"));
                        }
                    }
                }
            }
        }
        if (!quiet)
        {
            Console.WriteLine(best);
        }
        return best;
    }

    private static Func<IReadOnlyList<NabFile>, DetectorSettings, double> Objective(SearchObjective objective) => objective switch
    {
        SearchObjective.Balanced => EvaluateBalanced,
        SearchObjective.Transfer => EvaluateTransfer,
        _ => Evaluate,
    };

    /// <summary>
    /// Cross-validation inside the search: each category with windows scored at the threshold
    /// that is best for the search's other categories, and the mean taken. A setting is judged by
    /// how well its threshold carries to a category it was not chosen on, which is what the outer
    /// cross-validation then measures.
    /// </summary>
    public static double EvaluateTransfer(IReadOnlyList<NabFile> files, DetectorSettings settings)
    {
        var scores = files.Select(f => EnsembleAnomalyDetector.ScoreSeries(f.Timestamps, f.Values, Searched(settings)).Select(s => s.Score).ToArray()).ToList();
        var categories = files.Select(CrossValidation.Category).Distinct(StringComparer.Ordinal).ToList();
        var held = new List<double>();
        foreach (var category in categories)
        {
            var inside = Enumerable.Range(0, files.Count).Where(i => CrossValidation.Category(files[i]) == category).ToList();
            var outside = Enumerable.Range(0, files.Count).Where(i => CrossValidation.Category(files[i]) != category).ToList();
            var threshold = NabScorer.Score(outside.Select(i => files[i]).ToList(), outside.Select(i => scores[i]).ToList(), NabProfile.Standard).Threshold;
            var result = NabScorer.ScoreAt(inside.Select(i => files[i]).ToList(), inside.Select(i => scores[i]).ToList(), threshold, NabProfile.Standard);
            if (!double.IsNaN(result.NormalisedScore))
            {
                held.Add(result.NormalisedScore);
            }
        }
        return held.Average();
    }

    /// <summary>
    /// The mean over categories of each category's normalised score at the one threshold that is
    /// best for all files together: a setting must help across categories, not in the largest one.
    /// </summary>
    public static double EvaluateBalanced(IReadOnlyList<NabFile> files, DetectorSettings settings)
    {
        var scores = files.Select(f => EnsembleAnomalyDetector.ScoreSeries(f.Timestamps, f.Values, Searched(settings)).Select(s => s.Score).ToArray()).ToList();
        var threshold = NabScorer.Score(files, scores, NabProfile.Standard).Threshold;
        return files.Select((f, i) => (Category: CrossValidation.Category(f), Index: i))
            .GroupBy(x => x.Category, StringComparer.Ordinal)
            .Select(g => NabScorer.ScoreAt(g.Select(x => files[x.Index]).ToList(), g.Select(x => scores[x.Index]).ToList(), threshold, NabProfile.Standard).NormalisedScore)
            .Where(v => !double.IsNaN(v))
            .Average();
    }

    /// <summary>The ensemble as it ships with these forecaster settings; the ML.NET pattern detector is not searched, so it is off.</summary>
    private static EnsembleSettings Searched(DetectorSettings forecast) => EnsembleSettings.Default with { Forecast = forecast, Pattern = null };

    public static double Evaluate(IReadOnlyList<NabFile> files, DetectorSettings settings)
    {
        var scores = files.Select(f => EnsembleAnomalyDetector.ScoreSeries(f.Timestamps, f.Values, Searched(settings)).Select(s => s.Score).ToArray()).ToList();
        return NabScorer.Score(files, scores, NabProfile.Standard).NormalisedScore;
    }
}

/// <summary>
/// How the cross-validation searches the settings within a fold: greedy rounds over every axis, the
/// least gain a move must bring (a larger one keeps the search from chasing noise), whether a
/// second start (the middle of every axis) is searched too, the better result on the fold's files
/// kept, and what a configuration is judged by.
/// </summary>
internal sealed record SearchOptions(int Rounds = 1, double Margin = SearchOptions.DefaultMargin, bool AxisMiddleStart = false, SearchObjective Objective = SearchObjective.Pooled)
{
    public const double DefaultMargin = 0.05;
}

/// <summary>
/// What the search maximises on its files: the pooled NAB score at the best threshold; the mean of
/// the categories' scores at that one threshold; or the mean of each category's score at the
/// threshold best for the others (cross-validation within the search).
/// </summary>
internal enum SearchObjective
{
    Pooled,
    Balanced,
    Transfer,
}
