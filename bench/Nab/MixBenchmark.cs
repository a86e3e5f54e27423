using System.Diagnostics;
using System.Globalization;
using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>
/// Mix anomalies on synthetic projects: five weeks of hours, the first four the history the
/// model learns from and the fifth the hours judged (as the hourly scan judges its last day,
/// with a week instead). Half the projects get a share shift of known size at a random hour of
/// the fifth week. Reports the share of shifts found within six hours, the delay, whether the
/// reported key is the one that moved, and the false alarms per project-week on projects
/// without a shift (and before the shift on the others).
/// </summary>
internal static class MixBenchmark
{
    private static readonly DateTime _from = new(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc); // a Monday
    private const int Hours = 35 * 24;
    private const int Judged = 28 * 24;

    public static void Run(int projects, double width = MixAnomalyFinder.Width)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Mix anomalies (width {width}): {projects} synthetic projects per shift size, 5 weeks of hours, the 5th judged"));
        Console.WriteLine($"{"shift",8} {"found <6h",10} {"right key",10} {"median delay h",15} {"false alarms / project-week",28} {"s",6}");
        foreach (var points in new[] { 5.0, 10.0, 20.0, 30.0 })
        {
            var generator = new SyntheticCosts(seed: (int)points);
            var (found, rightKey, shifted, falseAlarms, cleanHours) = (0, 0, 0, 0, 0.0);
            var delays = new List<int>();
            var clock = Stopwatch.StartNew();
            for (var p = 0; p < projects; p++)
            {
                var withShift = p % 2 == 0;
                var (costs, shift) = generator.Project(p, _from, Hours, withShift ? points : 0, Judged + 6, Hours - 6);
                var anomalies = MixAnomalyFinder.Find(costs, _from, _from.AddHours(Hours), _from.AddHours(Judged), width);
                var hourOf = anomalies.Select(a => (int)(a.Hour - _from).TotalHours).ToList();
                if (shift is null)
                {
                    falseAlarms += anomalies.Count;
                    cleanHours += Hours - Judged;
                    continue;
                }
                shifted++;
                falseAlarms += hourOf.Count(h => h < shift.Hour);
                cleanHours += shift.Hour - Judged;
                var hits = anomalies.Where(a => (a.Hour - _from).TotalHours >= shift.Hour && (a.Hour - _from).TotalHours < shift.Hour + 6).ToList();
                if (hits.Count > 0)
                {
                    found++;
                    delays.Add((int)(hits.Min(a => a.Hour) - _from).TotalHours - shift.Hour);
                    rightKey += hits.Any(a => a.Dimension == shift.Dimension && a.Key == shift.Key) ? 1 : 0;
                }
            }
            delays.Sort();
            var median = delays.Count == 0 ? double.NaN : delays[delays.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{points,6:F0}pp {100.0 * found / shifted,9:F0}% {100.0 * rightKey / Math.Max(found, 1),9:F0}% {median,15:F0} {falseAlarms / (cleanHours / 168),28:F3} {clock.Elapsed.TotalSeconds,6:F1}"));
        }
    }
}
