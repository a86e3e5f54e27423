using System.Diagnostics;
using System.Globalization;
using Tollgate.Analytics.Anomalies;
using Tollgate.Nab;

// Scores Tollgate's anomaly detector on the Numenta Anomaly Benchmark, beside baselines and the
// scorer's sanity checks measured in the same run. Usage: Nab [nab-folder] [--files]
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

var detectors = new (string Name, Func<NabFile, double[]> Run)[]
{
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
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {files[f].Name,-60} windows {files[f].Windows.Count} raw {raw,7:F2}"));
        }
    }
}
Console.WriteLine();
Console.WriteLine("References (NAB scoreboard, this subset): Numenta HTM 66.7, KNN CAD 58.5, Skyline 54.7, windowed Gaussian 38.4.");
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
