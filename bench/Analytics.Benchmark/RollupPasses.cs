using System.Diagnostics;
using Npgsql;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;

namespace Tollgate.Analytics.Benchmark;

/// <summary>
/// The steady state of the rollup jobs: a busy minute's new traces land in the last hour, then
/// one pass of each rollup through the runner (which recomputes the hours those traces cover),
/// against the reference of the rule the rollups used before the runner: each touched hour and
/// the hour before it, measured in the same run on the same data.
/// </summary>
internal static class RollupPasses
{
    /// <summary>New traces per pass: about a minute of a system sending 100 requests a second.</summary>
    private const int TracesPerPass = 6_000;

    public static async Task MeasureAsync(NpgsqlDataSource dataSource, TrafficGenerator generator, RollupRunner runner, DateTime to, int runs)
    {
        // Both rollups are current (the benchmark recomputed them): start their watermarks now, so
        // that every pass below sees only the traces written for it.
        var watermark = new IngestWatermark(dataSource);
        foreach (var rollup in runner.Rollups)
        {
            var (now, _) = await watermark.ReadAsync(rollup.Name, CancellationToken.None);
            await watermark.AdvanceAsync(rollup.Name, now, CancellationToken.None);
        }

        var passes = Math.Max(3, Math.Min(runs, 10));
        var timings = runner.Rollups.ToDictionary(r => r.Name, _ => (Runner: new List<double>(), Reference: new List<double>()));
        var lastHour = to.AddHours(-1);
        for (var pass = 0; pass < passes; pass++)
        {
            var spans = new List<SpanRecord>();
            for (var i = 0; i < TracesPerPass; i++)
            {
                generator.AddTrace(spans, lastHour.AddSeconds(i * 3599.0 / TracesPerPass));
            }

            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                await SpanColumns.CopyAsync(connection, spans, CancellationToken.None);
            }

            foreach (var rollup in runner.Rollups)
            {
                var watch = Stopwatch.StartNew();
                await runner.RunAsync(rollup);
                timings[rollup.Name].Runner.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                await rollup.RecomputeAsync(lastHour.AddHours(-1), to, CancellationToken.None);
                timings[rollup.Name].Reference.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine($"Rollup pass after {TracesPerPass:N0} new traces in the last hour, {passes} passes (p50):");
        foreach (var (name, (after, before)) in timings)
        {
            Console.WriteLine($"  {name}: runner {Median(after):F0} ms; reference (touched hour and the hour before) {Median(before):F0} ms");
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
