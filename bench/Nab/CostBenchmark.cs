using System.Diagnostics;
using System.Globalization;
using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>
/// What the detectors cost: points per second through one series' detector, memory held per
/// series, and the scan's detection work (cost anomalies of every series, then mix anomalies of
/// every project) for many series of five weeks of hours, in memory (the database read and
/// write are not included). Each figure is printed beside the same measurement without the
/// ML.NET pattern detector, taken in the same run.
/// </summary>
internal static class CostBenchmark
{
    private static readonly DateTime _from = new(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc);
    private const int Hours = 35 * 24;

    public static void Run(int series)
    {
        var shipped = EnsembleSettings.Default;
        var reference = shipped with { Pattern = null };
        var values = Series(new Random(7));
        var times = Enumerable.Range(0, Hours).Select(h => _from.AddHours(h)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Detector cost on this machine ({Environment.ProcessorCount} cores), series of {Hours} hourly points"));
        Console.WriteLine($"{"",-40} {"ensemble (shipped)",20} {"without ML.NET pattern",24}");
        var speeds = new[] { shipped, reference }.Select(s => PointsPerSecond(times, values, s)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"points/s through one series",-40} {speeds[0],20:N0} {speeds[1],24:N0}"));
        var memory = new[] { shipped, reference }.Select(s => BytesPerSeries(times, values, s)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"memory held per series (bytes)",-40} {memory[0],20:N0} {memory[1],24:N0}"));

        var perProject = 1 + 4 * 50;
        var projects = (series + perProject - 1) / perProject;
        var costs = Costs(projects);
        var count = costs.Select(c => (c.ProjectId, c.Dimension, c.Key)).Distinct().Count();
        var until = _from.AddHours(Hours);
        var scans = new[] { shipped, reference }.Select(s =>
        {
            var clock = Stopwatch.StartNew();
            var found = CostAnomalyFinder.Find(costs, _from, until, until.AddHours(-24), s);
            return (clock.Elapsed.TotalSeconds, found.Count);
        }).ToArray();
        var mixClock = Stopwatch.StartNew();
        var mix = MixAnomalyFinder.Find(costs, _from, until, until.AddHours(-24));
        var mixSeconds = mixClock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan of {count:N0} series ({projects} projects) x {Hours} hours:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  cost anomalies, seconds (found)",-40} {$"{scans[0].TotalSeconds:F1} ({scans[0].Count})",20} {$"{scans[1].TotalSeconds:F1} ({scans[1].Count})",24}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"  mix anomalies, seconds (found)",-40} {$"{mixSeconds:F1} ({mix.Count})",20}"));
        Console.WriteLine("The scan runs every 15 minutes: its budget is 900 s.");
    }

    private static double[] Series(Random random) =>
        Enumerable.Range(0, Hours).Select(h => 10 * (1 + 0.5 * Math.Sin(2 * Math.PI * (h % 24) / 24)) * (1 + 0.1 * (random.NextDouble() - 0.5))).ToArray();

    private static double PointsPerSecond(DateTime[] times, double[] values, EnsembleSettings settings)
    {
        EnsembleAnomalyDetector.ScoreSeries(times, values, settings);
        var clock = Stopwatch.StartNew();
        var runs = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            EnsembleAnomalyDetector.ScoreSeries(times, values, settings);
            runs++;
        }
        return runs * values.Length / clock.Elapsed.TotalSeconds;
    }

    private static double BytesPerSeries(DateTime[] times, double[] values, EnsembleSettings settings)
    {
        const int Detectors = 200;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var detectors = new EnsembleAnomalyDetector[Detectors];
        for (var d = 0; d < Detectors; d++)
        {
            detectors[d] = new EnsembleAnomalyDetector(settings);
            for (var i = 0; i < values.Length; i++)
            {
                detectors[d].Observe(times[i], values[i]);
            }
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(detectors);
        return (after - before) / (double)Detectors;
    }

    private static List<HourlyCost> Costs(int projects)
    {
        var random = new Random(11);
        var costs = new List<HourlyCost>();
        for (var p = 0; p < projects; p++)
        {
            var total = Series(random);
            for (var h = 0; h < Hours; h++)
            {
                costs.Add(new HourlyCost(p, AnomalyDimensions.Total, HourlyCostReader.TotalKey, _from.AddHours(h), total[h]));
            }
            foreach (var dimension in AnomalyDimensions.Breakdowns)
            {
                var weights = Enumerable.Range(0, 50).Select(_ => random.NextDouble()).ToArray();
                var sum = weights.Sum();
                for (var k = 0; k < weights.Length; k++)
                {
                    var key = $"{dimension}-{k}";
                    for (var h = 0; h < Hours; h++)
                    {
                        costs.Add(new HourlyCost(p, dimension, key, _from.AddHours(h), total[h] * weights[k] / sum * (0.9 + 0.2 * random.NextDouble())));
                    }
                }
            }
        }
        return costs;
    }
}
