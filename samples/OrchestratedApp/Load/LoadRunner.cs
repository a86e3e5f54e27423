using System.Diagnostics;
using System.Globalization;
using Tollgate.OrchestratedApp.Demo;
using Tollgate.OrchestratedApp.Telemetry;

namespace Tollgate.OrchestratedApp.Load;

/// <summary>
/// Generates live requests at a target span rate for a while, then reports what the receiver took:
/// achieved spans per second (exported, measured until the last batch was answered), rejections and errors.
/// </summary>
public sealed class LoadRunner(OtlpTarget target, double spansPerSecond, TimeSpan duration, int seed = 42)
{
    public string Run(CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var planner = new Planner(random, new DemoOptions());
        var clock = Stopwatch.StartNew();
        long generated;
        using (var services = new Services(target.Create))
        {
            var simulator = new RequestSimulator(services.Emitter, random);
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                // Stay on the target rate; when the exporters fall behind, their full queues drop spans.
                if (services.Emitter.Spans < spansPerSecond * clock.Elapsed.TotalSeconds)
                {
                    simulator.Simulate(planner.Next(), DateTimeOffset.UtcNow);
                }
                else
                {
                    Thread.Sleep(5);
                }
            }

            generated = services.Emitter.Spans;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var stats = target.Stats;
        var dropped = generated - stats.Exported - stats.Rejected - stats.Failed;
        return string.Create(CultureInfo.InvariantCulture,
            $"target={spansPerSecond:F0} spans/s generated={generated} exported={stats.Exported} achieved={stats.Exported / seconds:F0} spans/s " +
            $"rejected={stats.Rejected} errors={stats.Failed} dropped-in-queue={dropped} elapsed={seconds:F1}s");
    }
}
