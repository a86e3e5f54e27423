using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;
using static Tollgate.Ingest.Api.Tests.Otlp.ResilienceTests;
using static Tollgate.Ingest.Api.Tests.Spooling.SpoolOutageTests;

namespace Tollgate.Ingest.Api.Tests.Spooling;

/// <summary>
/// The PostgreSQL server itself goes down, not one database: stopped at once, as a crash would,
/// for twenty seconds while exporters send, then started again.
/// </summary>
public sealed class ServerStopTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Through_a_20_second_server_stop_every_request_is_acknowledged_and_every_span_is_stored_once_after_it_returns()
    {
        await using var server = await PrivatePostgres.StartAsync();
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), await TestDatabase.CreateAsync(server.AdminConnectionString));
        var expected = new ConcurrentDictionary<string, long>();
        var problems = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        async Task SendAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var trace = NewTraceId();
                var response = await PostAsync(app, Batch(trace, 10));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    problems.Add($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                expected[Convert.ToHexString(trace)] = 10;
            }
        }

        var senders = new List<Task> { Task.Run(SendAsync), Task.Run(SendAsync) };
        await Eventually.TrueAsync(() => Task.FromResult(expected.Count >= 20), Bound, "Requests acknowledged before the stop");

        await server.StopAbruptlyAsync();
        var outageClock = Stopwatch.StartNew();
        var beforeStop = expected.Count;
        var spooled = 0L;
        await Eventually.TrueAsync(async () =>
        {
            spooled = Math.Max(spooled, (await SpoolHealthAsync(app.OtlpHttpPort)).Records);
            return outageClock.Elapsed >= Outage && spooled > 0;
        }, Bound, "Twenty seconds of a stopped server with spans spooled");
        var acknowledgedWhileStopped = expected.Count - beforeStop;
        await server.StartAgainAsync();

        var afterStart = expected.Count;
        await Eventually.TrueAsync(() => Task.FromResult(expected.Count >= afterStart + 20), Bound, "Requests acknowledged after the server returned");
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(app.OtlpHttpPort)).Records == 0, Bound, "The spool replayed to the end");

        problems.ShouldBeEmpty();
        acknowledgedWhileStopped.ShouldBeGreaterThan(0);
        await StoredExactlyAsync(app.Database, expected);
        (await SpoolHealthAsync(app.OtlpHttpPort)).Status.ShouldBe("Healthy");
    }
}
