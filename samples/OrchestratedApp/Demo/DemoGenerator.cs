using Tollgate.OrchestratedApp.Telemetry;

namespace Tollgate.OrchestratedApp.Demo;

/// <summary>
/// Backfills days of history with past timestamps, then optionally trickles live requests. Every
/// choice comes from one <see cref="Random"/> seeded with <see cref="DemoOptions.Seed"/>; trace and
/// span ids come from the SDK (not seeded), so a rerun sends the same mix under new ids.
/// </summary>
public sealed class DemoGenerator(DemoOptions options, ProviderFactory providers, TextWriter? log = null)
{
    // Flushing now and then keeps every batch queue far below its capacity, so no span is dropped.
    private const int FlushEveryRequests = 200;

    public DemoResult Run(CancellationToken cancellationToken = default)
    {
        if (options.Validate() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var random = new Random(options.Seed);
        var planner = new Planner(random, options);
        var result = new DemoResult();
        using (var services = new Services(providers))
        {
            var simulator = new RequestSimulator(services.Emitter, random);
            var lastDay = (options.EndDayUtc ?? DateTime.UtcNow).Date;
            for (var day = options.Days; day >= 1 && !cancellationToken.IsCancellationRequested; day--)
            {
                foreach (var time in Schedule.Day(random, lastDay.AddDays(-day), options.RequestsPerDay))
                {
                    var plan = planner.Next();
                    result.Record(plan);
                    simulator.Simulate(plan, time);
                    if (result.Requests % FlushEveryRequests == 0)
                    {
                        services.Flush();
                    }
                }

                log?.WriteLine($"backfilled {lastDay.AddDays(-day):yyyy-MM-dd}: {result.Requests} requests, {services.Emitter.Spans} spans so far");
            }

            if (options.Live)
            {
                RunLive(random, planner, simulator, services, result, cancellationToken);
            }

            services.Flush();
            result.Spans = services.Emitter.Spans;
        }

        return result;
    }

    private void RunLive(Random random, Planner planner, RequestSimulator simulator, Services services, DemoResult result, CancellationToken cancellationToken)
    {
        log?.WriteLine("live: a request every few seconds, Ctrl+C to stop");
        while (!cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(random.Next(1500, 6000))))
        {
            var plan = planner.Next();
            result.Record(plan);
            simulator.Simulate(plan, DateTimeOffset.UtcNow);
            services.Flush();
            log?.WriteLine($"live: {plan.Feature} for {plan.Customer} -> {(plan.Outcome == Outcome.CacheHit ? "cache" : plan.Model.Name)} ({plan.Outcome})");
        }
    }
}
