namespace Tollgate.Nab;

/// <summary>
/// NAB scoring as Lavin and Ahmad (2015) define it. A detection inside a window earns
/// A_TP times a scaled sigmoid of its position (about 0.987 at the window's start, 0 at its end);
/// only the best (earliest) detection of a window counts. A detection outside every window costs
/// A_FP times the sigmoid of its distance past the preceding window (the full A_FP when no window
/// precedes it or when it is more than three window widths past). A window without detection
/// costs A_FN. The first 15% of each file (at most 750 points) is the probationary period and is
/// not scored. One threshold, the one maximising the total over all files, applies to every file;
/// the total is normalised so that the null detector scores 0 and the perfect one 100.
/// </summary>
public static class NabScorer
{
    public const double ProbationFraction = 0.15;
    // NAB caps the probationary period at 15% of 5,000 points so long files are not mostly unscored.
    public const int ProbationCap = 750;

    public static int ProbationPeriod(int length) => (int)Math.Min(Math.Floor(ProbationFraction * length), ProbationFraction * 5000);

    /// <summary>2 / (1 + e^(5x)) − 1, and −1 beyond three window widths.</summary>
    public static double ScaledSigmoid(double position) => position > 3.0 ? -1.0 : 2.0 / (1.0 + Math.Exp(5.0 * position)) - 1.0;

    /// <summary>
    /// The weighted value of a detection at each point: positive inside windows, negative
    /// outside, NaN in the probationary period. Window membership is returned alongside (−1 outside).
    /// </summary>
    public static (double[] Weights, int[] WindowOf) PointWeights(int length, IReadOnlyList<NabWindow> windows, NabProfile profile)
    {
        var weights = new double[length];
        var windowOf = new int[length];
        var probation = ProbationPeriod(length);
        var ordered = windows.Select((w, index) => (Window: w, Index: index)).OrderBy(w => w.Window.Start).ToList();
        NabWindow? previous = null;
        var next = 0;
        for (var i = 0; i < length; i++)
        {
            while (next < ordered.Count && ordered[next].Window.End < i)
            {
                previous = ordered[next].Window;
                next++;
            }
            var inside = next < ordered.Count && ordered[next].Window.Start <= i;
            windowOf[i] = inside ? ordered[next].Index : -1;
            if (inside)
            {
                var window = ordered[next].Window;
                weights[i] = profile.TruePositive * ScaledSigmoid(-(window.End - i + 1) / (double)window.Width);
            }
            else if (previous is { } before)
            {
                var past = Math.Abs(before.End - i) / (double)Math.Max(1, before.Width - 1);
                weights[i] = profile.FalsePositive * ScaledSigmoid(past);
            }
            else
            {
                weights[i] = -profile.FalsePositive;
            }
            if (i < probation)
            {
                weights[i] = double.NaN;
            }
        }
        return (weights, windowOf);
    }

    /// <summary>The raw score of one file when every point scoring at least the threshold is a detection.</summary>
    public static double FileScore(NabFile file, double[] scores, double threshold, NabProfile profile)
    {
        var (weights, windowOf) = PointWeights(file.Values.Length, file.Windows, profile);
        var best = Enumerable.Repeat(double.NegativeInfinity, file.Windows.Count).ToArray();
        var total = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(weights[i]) || scores[i] < threshold)
            {
                continue;
            }
            if (windowOf[i] >= 0)
            {
                best[windowOf[i]] = Math.Max(best[windowOf[i]], weights[i]);
            }
            else
            {
                total += weights[i];
            }
        }
        return total + best.Sum(b => double.IsNegativeInfinity(b) ? -profile.FalseNegative : b);
    }

    /// <summary>
    /// The corpus total at a threshold chosen elsewhere (on other files), normalised like
    /// <see cref="Score"/>; NaN when the files hold no window, since null and perfect then coincide.
    /// </summary>
    public static NabResult ScoreAt(IReadOnlyList<NabFile> files, IReadOnlyList<double[]> scores, double threshold, NabProfile profile)
    {
        var raw = 0.0;
        var (nullScore, perfectScore) = (0.0, 0.0);
        for (var f = 0; f < files.Count; f++)
        {
            raw += FileScore(files[f], scores[f], threshold, profile);
            var (weights, windowOf) = PointWeights(files[f].Values.Length, files[f].Windows, profile);
            nullScore -= profile.FalseNegative * files[f].Windows.Count;
            for (var w = 0; w < files[f].Windows.Count; w++)
            {
                perfectScore += Enumerable.Range(0, weights.Length)
                    .Where(i => windowOf[i] == w && !double.IsNaN(weights[i]))
                    .Select(i => weights[i])
                    .DefaultIfEmpty(-profile.FalseNegative)
                    .Max();
            }
        }
        var normalised = perfectScore > nullScore ? 100.0 * (raw - nullScore) / (perfectScore - nullScore) : double.NaN;
        return new NabResult(profile, threshold, raw, normalised, nullScore, perfectScore);
    }

    /// <summary>
    /// The threshold maximising the corpus total, found exactly by sweeping every distinct score
    /// from the highest down and adding each point's change to its file's score.
    /// </summary>
    public static NabResult Score(IReadOnlyList<NabFile> files, IReadOnlyList<double[]> scores, NabProfile profile)
    {
        var events = new List<(double Score, int File, int Point)>();
        var weights = new List<(double[] Weights, int[] WindowOf)>();
        double nullScore = 0, perfectScore = 0;
        for (var f = 0; f < files.Count; f++)
        {
            var file = files[f];
            var pointWeights = PointWeights(file.Values.Length, file.Windows, profile);
            weights.Add(pointWeights);
            nullScore -= profile.FalseNegative * file.Windows.Count;
            for (var w = 0; w < file.Windows.Count; w++)
            {
                var bestPossible = Enumerable.Range(0, file.Values.Length)
                    .Where(i => pointWeights.WindowOf[i] == w && !double.IsNaN(pointWeights.Weights[i]))
                    .Select(i => pointWeights.Weights[i])
                    .DefaultIfEmpty(-profile.FalseNegative)
                    .Max();
                perfectScore += bestPossible;
            }
            for (var i = 0; i < scores[f].Length; i++)
            {
                if (!double.IsNaN(pointWeights.Weights[i]))
                {
                    events.Add((scores[f][i], f, i));
                }
            }
        }
        events.Sort((a, b) => b.Score.CompareTo(a.Score));

        var bestInWindow = files.Select(file => Enumerable.Repeat(double.NegativeInfinity, file.Windows.Count).ToArray()).ToArray();
        var total = nullScore;
        var bestTotal = nullScore;
        var bestThreshold = double.PositiveInfinity;
        for (var e = 0; e < events.Count; e++)
        {
            var (score, f, i) = events[e];
            var weight = weights[f].Weights[i];
            var window = weights[f].WindowOf[i];
            if (window < 0)
            {
                total += weight;
            }
            else
            {
                var current = bestInWindow[f][window];
                if (double.IsNegativeInfinity(current))
                {
                    total += weight + profile.FalseNegative;
                    bestInWindow[f][window] = weight;
                }
                else if (weight > current)
                {
                    total += weight - current;
                    bestInWindow[f][window] = weight;
                }
            }
            var lastOfLevel = e == events.Count - 1 || events[e + 1].Score != score;
            if (lastOfLevel && total > bestTotal + 1e-12)
            {
                bestTotal = total;
                bestThreshold = score;
            }
        }
        var normalised = 100.0 * (bestTotal - nullScore) / (perfectScore - nullScore);
        return new NabResult(profile, bestThreshold, bestTotal, normalised, nullScore, perfectScore);
    }
}

/// <summary>A detector's result under one profile: the optimal threshold, raw and normalised totals.</summary>
public sealed record NabResult(NabProfile Profile, double Threshold, double RawScore, double NormalisedScore, double NullScore, double PerfectScore);
