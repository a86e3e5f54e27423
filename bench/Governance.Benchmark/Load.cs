using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Governance.Benchmark;

internal sealed record Latencies(double P50, double P99, double P999, double Max, int Errors)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{P50,6:F2} / {P99,6:F2} / {P999,6:F2} / {Max,7:F2}  ({Errors} errors)");
}

internal sealed record Throughput(double PerSecond, int Errors);

/// <summary>Paced (open-loop) and saturating (closed-loop) load over keep-alive connections.</summary>
internal static class Load
{
    /// <summary>Connections the paced run spreads its requests over, so one slow answer does not hold up the next.</summary>
    private const int PacedConnections = 8;

    /// <summary>
    /// Sends <paramref name="rate"/> requests a second on a fixed schedule. Latency is measured from
    /// each request's scheduled time, so a stall also counts against the requests queued behind it.
    /// </summary>
    public static async Task<Latencies> PacedAsync(int port, byte[] request, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var ticksPerRequest = (double)Stopwatch.Frequency / rate;
        var workers = Enumerable.Range(0, PacedConnections).Select(_ => Task.Run(async () =>
        {
            using var connection = new KeepAliveConnection(port);
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= total)
                {
                    return;
                }

                var scheduled = (long)(i * ticksPerRequest);
                var wait = scheduled - clock.ElapsedTicks;
                if (wait > Stopwatch.Frequency / 1000)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                }

                while (clock.ElapsedTicks < scheduled)
                {
                    Thread.Yield();
                }

                if (await connection.SendAsync(request) != 200)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[i] = (clock.ElapsedTicks - scheduled) * 1000.0 / Stopwatch.Frequency;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        Array.Sort(latencies);
        return new Latencies(At(latencies, 0.50), At(latencies, 0.99), At(latencies, 0.999), latencies[^1], errors);
    }

    /// <summary>Each client sends its next request as soon as the previous answer is in.</summary>
    public static async Task<Throughput> SaturateAsync(int port, byte[] request, int clients, TimeSpan duration)
    {
        var completed = 0L;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var connection = new KeepAliveConnection(port);
            var mine = 0L;
            while (clock.Elapsed < duration)
            {
                if (await connection.SendAsync(request) != 200)
                {
                    Interlocked.Increment(ref errors);
                }

                mine++;
            }

            Interlocked.Add(ref completed, mine);
        })).ToArray();
        await Task.WhenAll(workers);
        return new Throughput(completed / clock.Elapsed.TotalSeconds, errors);
    }

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
