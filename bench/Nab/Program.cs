using System.Diagnostics;
using System.Globalization;
using Tollgate.Analytics.Anomalies;
using Tollgate.Nab;

// Scores Tollgate's anomaly detector on the Numenta Anomaly Benchmark, beside baselines and the
// scorer's sanity checks measured in the same run. Usage: Nab [nab-folder] [--files]
if (args.Contains("--mix"))
{
    var width = args.SkipWhile(a => a != "--width").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(MixAnomalyFinder.Width);
    MixBenchmark.Run(projects: 200, width);
    return 0;
}
if (args.Contains("--cost"))
{
    CostBenchmark.Run(series: args.Contains("--quick") ? 1_000 : 10_000);
    return 0;
}
var folder = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? DefaultFolder();
var perFile = args.Contains("--files");
if (!Directory.Exists(folder))
{
    Console.Error.WriteLine($"NAB folder not found: {Path.GetFullPath(folder)}. Pass the folder holding data/ and combined_windows.json as the first argument.");
    return 2;
}
IReadOnlyList<NabFile> files;
try
{
    files = NabCorpus.Load(folder);
}
catch (FileNotFoundException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}
var points = files.Sum(f => f.Values.Length);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"NAB folder {Path.GetFullPath(folder)}: {files.Count} files, {points} points, {files.Sum(f => f.Windows.Count)} windows"));

if (args.Contains("--cv-fixed"))
{
    // Threshold-only cross-validation of single configurations: nothing but the threshold is chosen on the other categories.
    foreach (var (name, settings) in new[] { ("hand-set start", EnsembleSettings.Default with { Forecast = CoordinateSearch.HandSet, Pattern = null }), ("hand-set start + ML.NET", EnsembleSettings.Default with { Forecast = CoordinateSearch.HandSet }) })
    {
        Console.WriteLine(name);
        CrossValidation.Run(files, [Candidates.Of(name, settings)]);
    }
    return 0;
}
if (args.Contains("--by-category"))
{
    // The shipped settings with and without ML.NET, then each setting in turn put back to its hand-set value.
    var shipped = EnsembleSettings.Default with { Pattern = null };
    var (f, h) = (shipped.Forecast, CoordinateSearch.HandSet);
    CrossValidation.ByCategory(files, new (string, EnsembleSettings)[]
    {
        ("shipped with ML.NET", EnsembleSettings.Default),
        ("shipped without ML.NET", shipped),
        ("hand-set start", shipped with { Forecast = h }),
        ("hand-set LevelGain", shipped with { Forecast = f with { LevelGain = h.LevelGain } }),
        ("hand-set ScaleGain", shipped with { Forecast = f with { ScaleGain = h.ScaleGain } }),
        ("hand-set ClipWidth", shipped with { Forecast = f with { ClipWidth = h.ClipWidth } }),
        ("hand-set ShiftPoints", shipped with { Forecast = f with { ShiftPoints = h.ShiftPoints } }),
        ("hand-set DailyGain", shipped with { Forecast = f with { DailyGain = h.DailyGain } }),
        ("hand-set WeeklyGain", shipped with { Forecast = f with { WeeklyGain = h.WeeklyGain } }),
        ("hand-set DispersionFloor", shipped with { Forecast = f with { DispersionFloor = h.DispersionFloor } }),
        ("hand-set tail quantile", shipped with { Forecast = f with { TailQuantile = h.TailQuantile, NormalTail = h.NormalTail } }),
        ("hand-set repeat damping", shipped with { Forecast = f with { RepeatPoints = h.RepeatPoints, RepeatFactor = h.RepeatFactor } }),
        ("hand-set drift test", shipped with { Forecast = f with { SustainGain = h.SustainGain, SustainWeight = h.SustainWeight } }),
    });
    return 0;
}
if (args.Contains("--cv-search"))
{
    var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1);
    var margin = args.SkipWhile(a => a != "--margin").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(SearchOptions.DefaultMargin);
    CrossValidation.RunWithSearch(files, new SearchOptions(rounds, margin, AxisMiddleStart: args.Contains("--two-starts"), Objective: args.Contains("--transfer") ? SearchObjective.Transfer : args.Contains("--balanced") ? SearchObjective.Balanced : SearchObjective.Pooled));
    return 0;
}
if (args.Contains("--cv-grid"))
{
    GridCrossValidation.Run(files);
    return 0;
}
if (args.Contains("--holdout"))
{
    CoordinateSearch.Holdout(files);
    return 0;
}
if (args.Contains("--search"))
{
    CoordinateSearch.Run(files, DetectorSettings.Default, 2);
    return 0;
}
if (args.Contains("--tune"))
{
    var d = DetectorSettings.Default;
    Tuning.Run(files, new (string, DetectorSettings)[]
    {
        ("default", d),
        ("magnitude floor 0.01", d with { MagnitudeFloor = 0.01 }),
        ("tail 0.999", d with { TailQuantile = 0.999, NormalTail = 3.29 }),
        ("tail 0.995", d with { TailQuantile = 0.995, NormalTail = 2.807 }),
        ("repeat 50 x0.5", d with { RepeatPoints = 50, RepeatFactor = 0.5 }),
        ("repeat 200 x0.7", d with { RepeatPoints = 200, RepeatFactor = 0.7 }),
        ("level gain 0.05", d with { LevelGain = 0.05 }),
        ("level gain 0.2", d with { LevelGain = 0.2 }),
        ("scale gain 0.01", d with { ScaleGain = 0.01 }),
        ("scale gain 0.05", d with { ScaleGain = 0.05 }),
        ("shift points 12", d with { ShiftPoints = 12 }),
        ("shift points 4", d with { ShiftPoints = 4 }),
        ("dispersion floor 0.5", d with { DispersionFloor = 0.5 }),
        ("dispersion floor 0.1", d with { DispersionFloor = 0.1 }),
        ("clip 2", d with { ClipWidth = 2 }),
        ("clip 3.5", d with { ClipWidth = 3.5 }),
        ("daily gain 0.3", d with { DailyGain = 0.3 }),
        ("weekly gain 0.2", d with { WeeklyGain = 0.2 }),
    });
    return 0;
}

if (args.Contains("--explore"))
{
    var candidates = Candidates.Explore().ToList();
    foreach (var candidate in candidates)
    {
        var clock = Stopwatch.StartNew();
        var scores = files.Select(candidate.Run).ToList();
        var results = NabProfile.All.Select(p => NabScorer.Score(files, scores, p)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{candidate.Name,-50} {results[0].NormalisedScore,6:F1} {results[1].NormalisedScore,6:F1} {results[2].NormalisedScore,6:F1} thr {results[0].Threshold:F3} {clock.Elapsed.TotalSeconds,5:F1}s"));
    }
    return 0;
}

var detectors = new (string Name, Func<NabFile, double[]> Run)[]
{
    ("tollgate ensemble", f => EnsembleAnomalyDetector.ScoreSeries(f.Timestamps, f.Values).Select(s => s.Score).ToArray()),
    ("tollgate seasonal", f => SeasonalAnomalyDetector.ScoreSeries(f.Timestamps, f.Values).Select(s => s.Score).ToArray()),
    ("windowed gaussian", f => WindowedGaussianDetector.ScoreSeries(f.Values)),
    ("perfect (labels)", f => PerfectScores(f)),
    ("null (constant)", f => new double[f.Values.Length]),
};

Console.WriteLine();
Console.WriteLine($"{"detector",-20} {"standard",9} {"low FP",9} {"low FN",9} {"threshold",10} {"ms",7} {"µs/point",9}");
foreach (var (name, run) in detectors)
{
    var clock = Stopwatch.StartNew();
    var scores = files.Select(run).ToList();
    var elapsed = clock.Elapsed.TotalMilliseconds;
    var results = NabProfile.All.Select(p => NabScorer.Score(files, scores, p)).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-20} {results[0].NormalisedScore,9:F1} {results[1].NormalisedScore,9:F1} {results[2].NormalisedScore,9:F1} {results[0].Threshold,10:F4} {elapsed,7:F0} {1000 * elapsed / points,9:F2}"));
    if (perFile && name.StartsWith("tollgate", StringComparison.Ordinal))
    {
        for (var f = 0; f < files.Count; f++)
        {
            var raw = NabScorer.FileScore(files[f], scores[f], results[0].Threshold, NabProfile.Standard);
            var (weights, windowOf) = NabScorer.PointWeights(files[f].Values.Length, files[f].Windows, NabProfile.Standard);
            var detections = Enumerable.Range(0, weights.Length).Where(i => !double.IsNaN(weights[i]) && scores[f][i] >= results[0].Threshold).ToList();
            var found = detections.Where(i => windowOf[i] >= 0).Select(i => windowOf[i]).Distinct().Count();
            var falsePositives = detections.Count(i => windowOf[i] < 0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {files[f].Name,-60} windows {found}/{files[f].Windows.Count} fp {falsePositives,4} raw {raw,7:F2}"));
        }
    }
}
Console.WriteLine();
Console.WriteLine("References (NAB scoreboard, this subset): Numenta HTM 66.7, KNN CAD 58.5, Skyline 54.7, windowed Gaussian 38.4.");
if (!args.Contains("--no-cv"))
{
    foreach (var withPattern in new[] { false, true })
    {
        Console.WriteLine();
        Console.WriteLine(withPattern
            ? "Leave-one-category-out cross-validation, ensemble WITH the ML.NET pattern detector (as shipped):"
            : "Leave-one-category-out cross-validation, ensemble WITHOUT the ML.NET pattern detector:");
        CrossValidation.Run(files, Candidates.Grid(withPattern));
    }
}
return 0;

static double[] PerfectScores(NabFile file)
{
    var scores = new double[file.Values.Length];
    foreach (var window in file.Windows)
    {
        for (var i = window.Start; i <= window.End; i++)
        {
            scores[i] = 1;
        }
    }
    return scores;
}

static string DefaultFolder()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dashboard.sln")))
    {
        directory = directory.Parent;
    }
    return Path.Combine(directory?.FullName ?? Directory.GetCurrentDirectory(), "..", "shared", "nab");
}
