using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Tests.Interop;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;
using static Tollgate.Ingest.Api.Tests.Otlp.ResilienceTests;

namespace Tollgate.Ingest.Api.Tests.Spooling;

/// <summary>The database goes away while exporters send: the spool acknowledges, then replays every span once.</summary>
public sealed class SpoolOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    /// <summary>The spool's figures from /health/spool on the OTLP/HTTP port.</summary>
    internal static async Task<(string Status, long Records)> SpoolHealthAsync(int otlpHttpPort)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{otlpHttpPort}/health/spool"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("status").GetString()!, json.RootElement.GetProperty("spool").GetProperty("records").GetInt64());
    }

    /// <summary>Each acknowledged trace holds exactly its spans, and nothing else is stored.</summary>
    internal static async Task StoredExactlyAsync(TestDatabase database, IReadOnlyDictionary<string, long> expected)
    {
        var stored = await StoredPerTraceAsync(database);
        expected.Where(e => stored.GetValueOrDefault(e.Key) != e.Value)
            .Select(e => $"{e.Key}: {stored.GetValueOrDefault(e.Key)} of {e.Value}").ShouldBeEmpty();
        stored.Values.Sum().ShouldBe(expected.Values.Sum());
    }

    [Fact]
    public async Task Through_a_20_second_outage_under_load_every_request_is_acknowledged_and_every_span_is_stored_once()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        var expected = new ConcurrentDictionary<string, long>();
        var problems = new ConcurrentBag<string>();
        var outageAcknowledged = 0;
        var outage = false;
        using var stop = new CancellationTokenSource();

        async Task SendOverHttpAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var trace = NewTraceId();
                var response = await PostAsync(app, Batch(trace, 20));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    problems.Add($"HTTP {(int)response.StatusCode}");
                    continue;
                }

                expected[Convert.ToHexString(trace)] = 20;
            }
        }

        // The JavaScript gRPC exporter never retries: a refused batch would be lost for good.
        async Task SendFromJavaScriptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var (exitCode, output, errors) = await JavaScriptExporterTests.RunAsync("grpc", app.OtlpGrpcAddress.ToString().TrimEnd('/'), RunningApp.IngestKey, gzip: false, traces: 5);
                if (exitCode != 0)
                {
                    problems.Add($"JavaScript exporter: {output} {errors}");
                    continue;
                }

                using var result = JsonDocument.Parse(output);
                foreach (var id in result.RootElement.GetProperty("traceIds").EnumerateArray())
                {
                    expected[id.GetString()!.ToUpperInvariant()] = 3;
                }

                if (Volatile.Read(ref outage))
                {
                    Interlocked.Increment(ref outageAcknowledged);
                }
            }
        }

        var senders = new List<Task> { Task.Run(SendOverHttpAsync), Task.Run(SendOverHttpAsync), Task.Run(SendFromJavaScriptAsync) };
        await Eventually.TrueAsync(() => Task.FromResult(expected.Count >= 20), Bound, "Requests acknowledged before the outage");

        await app.Database.SetConnectionsAllowedAsync(allowed: false);
        Volatile.Write(ref outage, true);
        var outageClock = Stopwatch.StartNew();
        var spooled = 0L;
        await Eventually.TrueAsync(async () =>
        {
            spooled = Math.Max(spooled, (await SpoolHealthAsync(app.OtlpHttpPort)).Records);
            return outageClock.Elapsed >= Outage && spooled > 0 && Volatile.Read(ref outageAcknowledged) >= 2;
        }, Bound, "Twenty seconds of outage with spans spooled and two JavaScript exports acknowledged");
        var acknowledgedDuringOutage = expected.Count;
        await app.Database.SetConnectionsAllowedAsync(allowed: true);

        await Eventually.TrueAsync(() => Task.FromResult(expected.Count >= acknowledgedDuringOutage + 20), Bound, "Requests acknowledged after the outage");
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(app.OtlpHttpPort)).Records == 0, Bound, "The spool replayed to the end");

        problems.ShouldBeEmpty();
        await StoredExactlyAsync(app.Database, expected);
        (await SpoolHealthAsync(app.OtlpHttpPort)).Status.ShouldBe("Healthy");
    }

    [Fact]
    public async Task During_an_outage_a_request_with_invalid_spans_gets_partial_success_and_only_its_valid_spans_are_replayed()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        (await PostAsync(app, Batch(NewTraceId(), 1))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.Database.SetConnectionsAllowedAsync(allowed: false);
        var trace = NewTraceId();
        var request = Batch(trace, 3);
        request.ResourceSpans[0].ScopeSpans[0].Spans[1].SpanId = ByteString.CopyFrom(new byte[8]);

        var response = await PostAsync(app, request);
        var spooledRecords = (await SpoolHealthAsync(app.OtlpHttpPort)).Records;
        await app.Database.SetConnectionsAllowedAsync(allowed: true);
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(app.OtlpHttpPort)).Records == 0, Bound, "The spool replayed to the end");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess.RejectedSpans.ShouldBe(1);
        spooledRecords.ShouldBe(1);
        (await StoredPerTraceAsync(app.Database)).GetValueOrDefault(Convert.ToHexString(trace)).ShouldBe(2);
    }

    [Fact]
    public async Task When_the_spool_is_full_exporters_get_503_with_Retry_After_and_what_was_acknowledged_is_stored()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), settings: new Dictionary<string, string>
        {
            ["Tollgate:Ingest:Spool:SegmentBytes"] = "65536",
            ["Tollgate:Ingest:Spool:MaxBytes"] = "262144",
        });
        (await PostAsync(app, Batch(NewTraceId(), 1))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.Database.SetConnectionsAllowedAsync(allowed: false);

        var acknowledged = new List<byte[]>();
        HttpResponseMessage refused;
        while (true)
        {
            var trace = NewTraceId();
            var response = await PostAsync(app, Batch(trace, 100));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                refused = response;
                break;
            }

            acknowledged.Add(trace);
            acknowledged.Count.ShouldBeLessThan(1000, "the spool never filled");
        }

        var whenFull = await SpoolHealthAsync(app.OtlpHttpPort);
        await app.Database.SetConnectionsAllowedAsync(allowed: true);
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(app.OtlpHttpPort)).Records == 0, Bound, "The spool replayed to the end");

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldNotBeNull();
        whenFull.Status.ShouldBe("Unhealthy");
        acknowledged.Count.ShouldBeGreaterThan(0);
        var stored = await StoredPerTraceAsync(app.Database);
        acknowledged.Select(t => stored.GetValueOrDefault(Convert.ToHexString(t))).ShouldAllBe(n => n == 100);
        (await PostAsync(app, Batch(NewTraceId(), 1))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
