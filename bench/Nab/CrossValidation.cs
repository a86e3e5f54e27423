using System.Globalization;

namespace Tollgate.Nab;

/// <summary>A named detector configuration: what the cross-validation chooses among.</summary>
public sealed record NabCandidate(string Name, Func<NabFile, double[]> Run);

/// <summary>
/// Leave-one-category-out cross-validation. For each category (the folder a file sits in), the
/// configuration and its threshold are chosen on the other categories only, then the held-out
/// category is scored at that threshold. The per-category figures and their mean are what the
/// detector does on data it was not tuned on; the in-sample figure (configuration and threshold
/// chosen on every file) is printed beside them.
/// </summary>
public static class CrossValidation
{
    public static string Category(NabFile file) => file.Name.Split('/')[0];

    public static void Run(IReadOnlyList<NabFile> files, IReadOnlyList<NabCandidate> candidates)
    {
        // Scores do not depend on the profile or the fold: compute each candidate's once.
        var scores = candidates.Select(c => files.Select(c.Run).ToList()).ToList();
        var categories = files.Select(Category).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        foreach (var profile in NabProfile.All)
        {
            var inSample = Enumerable.Range(0, candidates.Count).Select(c => NabScorer.Score(files, scores[c], profile)).ToList();
            var bestInSample = Enumerable.Range(0, candidates.Count).MaxBy(c => inSample[c].NormalisedScore);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{profile.Name}: in-sample {inSample[bestInSample].NormalisedScore:F1} ({candidates[bestInSample].Name}, threshold {inSample[bestInSample].Threshold:F4})"));
            var heldOut = new List<double>();
            var pooledRaw = 0.0;
            foreach (var category in categories)
            {
                var train = Indices(files, f => Category(f) != category);
                var test = Indices(files, f => Category(f) == category);
                var fits = Enumerable.Range(0, candidates.Count)
                    .Select(c => NabScorer.Score(Pick(files, train), Pick(scores[c], train), profile))
                    .ToList();
                var chosen = Enumerable.Range(0, candidates.Count).MaxBy(c => fits[c].NormalisedScore);
                var result = NabScorer.ScoreAt(Pick(files, test), Pick(scores[chosen], test), fits[chosen].Threshold, profile);
                pooledRaw += result.RawScore;
                var shown = double.IsNaN(result.NormalisedScore) ? $"   n/a (no windows; raw {result.RawScore:F2})" : $"{result.NormalisedScore,6:F1}";
                if (!double.IsNaN(result.NormalisedScore))
                {
                    heldOut.Add(result.NormalisedScore);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    held out {category,-22} {shown}  chosen on the rest: {candidates[chosen].Name} (threshold {fits[chosen].Threshold:F4}, {fits[chosen].NormalisedScore:F1} there)"));
            }
            var all = NabScorer.ScoreAt(files, scores[bestInSample], inSample[bestInSample].Threshold, profile);
            var pooled = 100.0 * (pooledRaw - all.NullScore) / (all.PerfectScore - all.NullScore);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    cross-validated mean over the {heldOut.Count} categories with windows: {heldOut.Average():F1}; pooled over every held-out file: {pooled:F1}"));
        }
    }

    /// <summary>
    /// The stricter check: within each fold, the forecaster's settings are searched afresh
    /// (greedy coordinate search from a hand-set start that no search has seen) on the four
    /// training categories only, then the held-out category is scored, with and without the
    /// ML.NET pattern detector, at thresholds chosen on the training categories.
    /// </summary>
    internal static void RunWithSearch(IReadOnlyList<NabFile> files, SearchOptions options)
    {
        var categories = files.Select(Category).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        var results = new Dictionary<(bool, string), List<double>>();
        foreach (var category in categories)
        {
            var train = Indices(files, f => Category(f) != category);
            var test = Indices(files, f => Category(f) == category);
            var tuned = CoordinateSearch.Run(Pick(files, train), options);
            Console.WriteLine($"    searched without {category}: {tuned}");
            foreach (var withPattern in new[] { false, true })
            {
                var settings = Tollgate.Analytics.Anomalies.EnsembleSettings.Default with { Forecast = tuned, Pattern = withPattern ? Tollgate.Analytics.Anomalies.PatternSettings.Default : null };
                var scores = Candidates.Of("searched", settings);
                var all = files.Select(scores.Run).ToList();
                foreach (var profile in NabProfile.All)
                {
                    var fit = NabScorer.Score(Pick(files, train), Pick(all, train), profile);
                    var held = NabScorer.ScoreAt(Pick(files, test), Pick(all, test), fit.Threshold, profile);
                    var key = (withPattern, profile.Name);
                    if (!results.TryGetValue(key, out var list))
                    {
                        results[key] = list = [];
                    }
                    if (!double.IsNaN(held.NormalisedScore))
                    {
                        list.Add(held.NormalisedScore);
                    }
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    held out {category,-22} {(withPattern ? "with" : "without"),-8} ML.NET {profile.Name,-20} {(double.IsNaN(held.NormalisedScore) ? $"n/a (raw {held.RawScore:F2})" : held.NormalisedScore.ToString("F1", CultureInfo.InvariantCulture)),8} (searched on the rest: {fit.NormalisedScore:F1})"));
                }
            }
        }
        foreach (var ((withPattern, profile), list) in results.OrderBy(r => r.Key.Item1).ThenBy(r => r.Key.Item2, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"searched per fold, {(withPattern ? "with" : "without")} ML.NET, {profile}: cross-validated mean over {list.Count} categories with windows {list.Average():F1}"));
        }
    }

    /// <summary>
    /// Whether the threshold transfers: each category scored at its own best threshold and at the
    /// threshold best for the other categories, and the mean of the latter (cross-validation of the
    /// threshold alone, the settings fixed).
    /// </summary>
    internal static void ByCategory(IReadOnlyList<NabFile> files, IEnumerable<(string Name, Tollgate.Analytics.Anomalies.EnsembleSettings Settings)> candidates)
    {
        var categories = files.Select(Category).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        foreach (var (name, settings) in candidates)
        {
            var scores = files.Select(Candidates.Of(name, settings).Run).ToList();
            var all = NabScorer.Score(files, scores, NabProfile.Standard);
            var details = new List<string>();
            var transferred = new List<double>();
            foreach (var category in categories)
            {
                var test = Indices(files, f => Category(f) == category);
                var train = Indices(files, f => Category(f) != category);
                var own = NabScorer.Score(Pick(files, test), Pick(scores, test), NabProfile.Standard);
                var rest = NabScorer.Score(Pick(files, train), Pick(scores, train), NabProfile.Standard);
                var held = NabScorer.ScoreAt(Pick(files, test), Pick(scores, test), rest.Threshold, NabProfile.Standard);
                if (!double.IsNaN(held.NormalisedScore))
                {
                    transferred.Add(held.NormalisedScore);
                    details.Add(string.Create(CultureInfo.InvariantCulture, $"{category} {held.NormalisedScore:F1} (own best {own.NormalisedScore:F1})"));
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-32} in-sample {all.NormalisedScore,5:F1}; threshold cross-validated {transferred.Average(),5:F1}: {string.Join(", ", details)}"));
        }
    }

    internal static List<int> Indices(IReadOnlyList<NabFile> files, Func<NabFile, bool> keep) =>
        Enumerable.Range(0, files.Count).Where(i => keep(files[i])).ToList();

    internal static List<T> Pick<T>(IReadOnlyList<T> items, List<int> indices) => indices.Select(i => items[i]).ToList();
}
