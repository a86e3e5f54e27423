using System.Globalization;
using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>
/// Leave-one-category-out cross-validation with the settings chosen afresh in each fold from a
/// fixed grid that owes nothing to these files: three values per axis, spread over the range each
/// setting is meant for, every combination tried (an exhaustive search cannot stop at a local
/// optimum the way the greedy one does); the settings it does not search keep their hand-set
/// values. Each combination is run once over all files; the folds then only pick. Rules that pick
/// a fold's configuration from its four training categories: the pooled score at their best
/// threshold (NAB's own rule), the same among the configurations that meet
/// <see cref="ProductRequirements"/>, the mean of the categories' scores at that threshold, and the
/// worst of them. A second stage then chooses, on the same categories, whether the ML.NET pattern
/// detector runs beside the chosen forecaster, at which width, and whether it may flag a shape on
/// its own or only tip a value the forecaster finds near its band's edge.
/// </summary>
internal static class GridCrossValidation
{
    private static readonly (string Name, double[] Values, Func<DetectorSettings, double, DetectorSettings> Set, Func<DetectorSettings, double> Get)[] _axes =
    [
        ("LevelGain", [0.03, 0.07, 0.15], (s, v) => s with { LevelGain = v }, s => s.LevelGain),
        ("ScaleGain", [0.025, 0.05, 0.1], (s, v) => s with { ScaleGain = v }, s => s.ScaleGain),
        ("DispersionFloor", [0.25, 0.5, 1.0], (s, v) => s with { DispersionFloor = v }, s => s.DispersionFloor),
        ("TailQuantile", [0.99, 0.995, 0.999], (s, v) => s with { TailQuantile = v, NormalTail = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1 - (1 - v) / 2) }, s => s.TailQuantile),
        ("ShiftPoints", [6, 12, 24], (s, v) => s with { ShiftPoints = (int)v }, s => s.ShiftPoints),
        ("RepeatPoints", [50, 100, 200], (s, v) => s with { RepeatPoints = (int)v }, s => s.RepeatPoints),
        ("SustainWeight", [1.0, 1.2, 1.4], (s, v) => s with { SustainWeight = v }, s => s.SustainWeight),
    ];

    private static readonly bool[] FalseThenTrue = [false, true];

    private enum Rule { Pooled, PooledMeetingRequirements, CategoryMean, WorstCategory }

    private sealed record Fold(double Train, double[] TrainCategories, double Held);

    public static void Run(IReadOnlyList<NabFile> files)
    {
        var categories = files.Select(CrossValidation.Category).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        var configurations = Combinations().ToList();
        Console.WriteLine($"{configurations.Count} configurations ({string.Join(" x ", _axes.Select(a => $"{a.Name} {a.Values.Length}"))}), forecaster alone, standard profile");
        Console.WriteLine($"the shipped configuration against the product's requirements: {ProductRequirements.Detail(EnsembleSettings.Default)}: {(ProductRequirements.Met(EnsembleSettings.Default) ? "met" : "not met")}");
        var inSample = new double[configurations.Count];
        var meets = new bool[configurations.Count];
        var folds = new Fold[configurations.Count][];
        var done = 0;
        Parallel.For(0, configurations.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
        {
            var scores = Run(files, PatternOptions[0].Apply(configurations[c]));
            inSample[c] = NabScorer.Score(files, scores, NabProfile.Standard).NormalisedScore;
            meets[c] = ProductRequirements.Met(configurations[c]);
            folds[c] = [.. categories.Select(held => Evaluate(files, scores, categories, held))];
            if (Interlocked.Increment(ref done) % 250 == 0)
            {
                Console.WriteLine($"    {done} of {configurations.Count}");
            }
        });

        Console.WriteLine($"{meets.Count(m => m)} of {configurations.Count} configurations meet the product's requirements");
        var best = Enumerable.Range(0, configurations.Count).MaxBy(c => inSample[c]);
        if (!meets.Any(m => m))
        {
            Console.WriteLine("no configuration of the grid meets them: only the unconstrained rules follow");
        }
        var bestMeeting = meets.Any(m => m) ? Enumerable.Range(0, configurations.Count).Where(c => meets[c]).MaxBy(c => inSample[c]) : best;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in-sample best of the grid: {inSample[best]:F1} ({Describe(configurations[best])})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in-sample best meeting the requirements: {inSample[bestMeeting]:F1} ({Describe(configurations[bestMeeting])})"));
        foreach (var rule in Enum.GetValues<Rule>().Where(r => r != Rule.PooledMeetingRequirements || meets.Any(m => m)))
        {
            var held = new List<double>();
            var lines = new List<string>();
            for (var k = 0; k < categories.Count; k++)
            {
                var chosen = Choose(rule, k);
                var fold = folds[chosen][k];
                if (!double.IsNaN(fold.Held))
                {
                    held.Add(fold.Held);
                }
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"    held out {categories[k],-22} {fold.Held,6:F1} (chosen: {Describe(configurations[chosen])}; {fold.Train:F1} on the rest)"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rule {rule}: cross-validated mean over {held.Count} categories with windows {held.Average():F1}"));
            lines.ForEach(Console.WriteLine);
        }

        // Then the ML.NET pattern detector: off, or beside the forecaster at one of three band
        // widths, alone or gated by the forecaster, chosen in each fold on the same four
        // categories as the forecaster (a second stage of the same search; under the requirement
        // rule only among the options that still meet them), and in-sample on every file.
        Rule[] secondStageRules = meets.Any(m => m) ? [Rule.Pooled, Rule.PooledMeetingRequirements] : [Rule.Pooled];
        var needed = (from rule in secondStageRules
                      from k in Enumerable.Range(0, categories.Count)
                      select Choose(rule, k)).Append(best).Append(bestMeeting).Distinct()
                     .SelectMany(c => Enumerable.Range(0, PatternOptions.Length).Select(o => (c, o))).ToList();
        var computed = new System.Collections.Concurrent.ConcurrentDictionary<(int, int), (List<double[]> Scores, bool Meets)>();
        Parallel.ForEach(needed, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, pair =>
        {
            var settings = PatternOptions[pair.o].Apply(configurations[pair.c]);
            computed[pair] = (Run(files, settings), ProductRequirements.Met(settings));
        });
        List<double[]> Scores(int configuration, int option) => computed[(configuration, option)].Scores;
        foreach (var (rule, patternRequired) in from r in secondStageRules
                                                 from required in FalseThenTrue
                                                 select (r, required))
        {
            var held = new List<double>();
            for (var k = 0; k < categories.Count; k++)
            {
                var configuration = Choose(rule, k);
                var allowed = Enumerable.Range(patternRequired ? 1 : 0, PatternOptions.Length - (patternRequired ? 1 : 0))
                    .Where(o => rule != Rule.PooledMeetingRequirements || computed[(configuration, o)].Meets).ToList();
                if (allowed.Count == 0)
                {
                    Console.WriteLine($"    {rule}, held out {categories[k]}: no pattern option meets the requirements with the chosen forecaster");
                    continue;
                }
                var fits = Enumerable.Range(0, PatternOptions.Length).Select(o => allowed.Contains(o) ? Evaluate(files, Scores(configuration, o), categories, categories[k]) : new Fold(double.NegativeInfinity, [], double.NaN)).ToList();
                var option = allowed.MaxBy(o => fits[o].Train);
                if (!double.IsNaN(fits[option].Held))
                {
                    held.Add(fits[option].Held);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {rule}, then {(patternRequired ? "a width of the" : "the")} pattern detector, held out {categories[k],-22} {fits[option].Held,6:F1} (chosen: {PatternOptions[option].Name}; {fits[option].Train:F1} on the rest; {string.Join(", ", allowed.Select(o => $"{PatternOptions[o].Name} {fits[o].Train:F1}"))})"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rule {rule}, then {(patternRequired ? "the width of the ML.NET pattern detector (never off)" : "the ML.NET pattern detector (off or a width)")} chosen the same way: cross-validated mean over {held.Count} categories with windows {held.Average():F1}"));
        }
        foreach (var (name, configuration) in new[] { ("best", best), ("best meeting the requirements", bestMeeting) })
        {
            foreach (var option in Enumerable.Range(0, PatternOptions.Length))
            {
                var all = Scores(configuration, option);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"in-sample {name}, {PatternOptions[option].Name}: {string.Join(", ", NabProfile.All.Select(p => $"{p.Name} {NabScorer.Score(files, all, p).NormalisedScore:F1}"))}"));
            }
        }

        var shipped = Run(files, EnsembleSettings.Default);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in-sample, the shipped configuration: {string.Join(", ", NabProfile.All.Select(p => $"{p.Name} {NabScorer.Score(files, shipped, p).NormalisedScore:F1}"))}"));

        int Choose(Rule rule, int fold) => Enumerable.Range(0, configurations.Count)
            .Where(c => rule != Rule.PooledMeetingRequirements || meets[c])
            .MaxBy(c => Judge(folds[c][fold], rule));
    }

    /// <summary>
    /// Whether the ML.NET pattern detector runs beside the forecaster, how wide its band is, and
    /// whether it may flag on its own or only tip a value the forecaster already finds near its edge.
    /// </summary>
    private static readonly (string Name, Func<DetectorSettings, EnsembleSettings> Apply)[] PatternOptions =
    [
        ("no pattern detector", f => EnsembleSettings.Default with { Forecast = f, Pattern = null }),
        .. from width in new[] { 1.5, 2, 3 }
           from gate in new[] { 0, 0.75, 0.9 }
           select ($"pattern width {width.ToString(CultureInfo.InvariantCulture)}{(gate == 0 ? " alone" : $", gate {gate.ToString(CultureInfo.InvariantCulture)}")}",
               (Func<DetectorSettings, EnsembleSettings>)(f => EnsembleSettings.Default with { Forecast = f, Pattern = PatternSettings.Default, PatternWidth = width, PatternGate = gate })),
    ];

    private static List<double[]> Run(IReadOnlyList<NabFile> files, EnsembleSettings settings) => [.. files.Select(Candidates.Of("grid", settings).Run)];

    private static double Judge(Fold fold, Rule rule) => rule switch
    {
        Rule.CategoryMean => fold.TrainCategories.Average(),
        Rule.WorstCategory => fold.TrainCategories.Min(),
        _ => fold.Train,
    };

    private static Fold Evaluate(IReadOnlyList<NabFile> files, List<double[]> scores, List<string> categories, string held)
    {
        var train = CrossValidation.Indices(files, f => CrossValidation.Category(f) != held);
        var test = CrossValidation.Indices(files, f => CrossValidation.Category(f) == held);
        var fit = NabScorer.Score(CrossValidation.Pick(files, train), CrossValidation.Pick(scores, train), NabProfile.Standard);
        var perCategory = categories.Where(c => c != held)
            .Select(c => CrossValidation.Indices(files, f => CrossValidation.Category(f) == c))
            .Select(inside => NabScorer.ScoreAt(CrossValidation.Pick(files, inside), CrossValidation.Pick(scores, inside), fit.Threshold, NabProfile.Standard).NormalisedScore)
            .Where(v => !double.IsNaN(v))
            .ToArray();
        var result = NabScorer.ScoreAt(CrossValidation.Pick(files, test), CrossValidation.Pick(scores, test), fit.Threshold, NabProfile.Standard);
        return new Fold(fit.NormalisedScore, perCategory, result.NormalisedScore);
    }

    private static IEnumerable<DetectorSettings> Combinations()
    {
        IEnumerable<DetectorSettings> all = [CoordinateSearch.HandSet];
        foreach (var (_, values, set, _) in _axes)
        {
            all = all.SelectMany(s => values.Select(v => set(s, v)));
        }
        return all;
    }

    private static string Describe(DetectorSettings s) => string.Join(", ", _axes.Select(a => $"{a.Name} {a.Get(s).ToString(CultureInfo.InvariantCulture)}"));
}
