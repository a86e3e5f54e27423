using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Tollgate.Testing;
using Xunit.Abstractions;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;
using static Tollgate.Ingest.Api.Tests.Spooling.SpoolOutageTests;

namespace Tollgate.Ingest.Api.Tests.Pipeline;

/// <summary>
/// Twice the rate the receiver sustains, offered for a minute to the standalone receiver in a
/// process of its own (so its resident memory is its own): memory stays under the bound, the
/// excess is refused with 429 or 503 and Retry-After, and every acknowledged span is stored once.
/// Runs alone in its assembly, so the rate it measures is the rate it then doubles.
/// </summary>
[Collection(Name)]
public sealed class OverloadTests(ITestOutputHelper output)
{
    public const string Name = "Overload";

    /// <summary>
    /// The memory budget the receiver is given (Tollgate:Ingest:MaxInFlightBytes, the product's
    /// bound on what requests being read, decoded and queued may hold): small, so that the test
    /// shows the budget holding resident memory down rather than the machine's size.
    /// </summary>
    private const long InFlightBudget = 64L * 1024 * 1024;

    /// <summary>
    /// The resident memory the receiver must stay under: the program at rest (about 95 MiB), the
    /// budget, and the room the garbage collector (server GC, a heap a core) and the buffer pools
    /// keep over live objects. On two busy cores the peak was 277 to 289 MiB in three runs.
    /// </summary>
    private const long ResidentBound = 384L * 1024 * 1024;

    /// <summary>OpenTelemetry SDKs' default largest export batch.</summary>
    private const int SpansPerBatch = 512;

    /// <summary>
    /// Concurrent exporters in the closed-loop phases: enough for the receiver's group commit to
    /// fill its transactions, few enough that their batches fit the in-flight budget.
    /// </summary>
    private const int Exporters = 32;

    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measurement = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(30);

    /// <summary>How far back the open-loop phase looks at the rate the receiver acknowledges.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    /// <summary>60 s unless TOLLGATE_OVERLOAD_SECONDS says otherwise, for shorter runs on a workstation.</summary>
    private static TimeSpan OverloadDuration =>
        TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("TOLLGATE_OVERLOAD_SECONDS") is { Length: > 0 } seconds
            ? double.Parse(seconds, CultureInfo.InvariantCulture)
            : 60);

    [Fact]
    public async Task At_twice_the_sustainable_rate_for_a_minute_memory_stays_bounded_the_excess_is_refused_with_Retry_After_and_every_acknowledged_span_is_stored_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (httpPort, grpcPort, webPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var spool = Path.Combine(Path.GetTempPath(), "tollgate-test-spool-" + Guid.NewGuid().ToString("N")[..12]);
        using var load = new Load(httpPort);
        try
        {
            await using (var receiver = await ServiceProcess.StartAsync("Tollgate.Ingest.Api.dll",
                [
                    $"--ConnectionStrings:Tollgate={database.ConnectionString}", $"--Tollgate:Ingest:HttpPort={httpPort}",
                    $"--Tollgate:Ingest:GrpcPort={grpcPort}", $"--Tollgate:HttpPort={webPort}", $"--Tollgate:BootstrapIngestKey={RunningApp.IngestKey}",
                    $"--Tollgate:Ingest:MaxInFlightBytes={InFlightBudget}", $"--Tollgate:Ingest:Spool:Directory={spool}",
                    // The per-key rate limit would refuse the excess before it reaches the memory budget and the queue.
                    "--Tollgate:Ingest:DefaultRateLimitPerSecond=100000000", "--Logging:LogLevel:Default=Warning",
                ],
                readyPort: httpPort, readyWithin: TimeSpan.FromMinutes(1)))
            {
                var atRest = receiver.ResidentBytes();
                using var sampling = new CancellationTokenSource();
                var sampler = SamplePeakAsync(receiver, sampling.Token);

                await load.ClosedLoopAsync(Exporters, Warmup);
                var measured = await load.ClosedLoopAsync(Exporters, Measurement);
                var sustainable = measured.Spans / measured.Elapsed.TotalSeconds;
                measured.Spans.ShouldBeGreaterThan(0, "nothing was acknowledged in the closed-loop phase: " + load.Problems.FirstOrDefault());

                var before = load.Counts();
                var (overloaded, finalRate) = await load.OpenLoopAsync(sustainable, OverloadDuration);
                var during = load.Counts() - before;

                await sampling.CancelAsync();
                var sampledPeak = await sampler;
                receiver.HasExited.ShouldBeFalse("the receiver exited under load: " + receiver.RecentOutput);
                var highWater = receiver.PeakResidentBytes();
                var peak = Math.Max(sampledPeak, highWater);

                Report($"Sustainable (closed loop, {Exporters} exporters, {measured.Elapsed.TotalSeconds:F1} s): {sustainable:N0} spans/s");
                var (offeredRate, acknowledgedRate) = (during.Offered * SpansPerBatch / overloaded.TotalSeconds, during.Acknowledged * SpansPerBatch / overloaded.TotalSeconds);
                Report($"Offered for {overloaded.TotalSeconds:F1} s: {during.Offered} batches of {SpansPerBatch} spans ({load.BatchBytes / 1024} KiB) = {during.Offered * SpansPerBatch:N0} spans, "
                    + $"{offeredRate:N0} spans/s ({offeredRate / sustainable:F1}x the closed-loop rate, {offeredRate / acknowledgedRate:F1}x the acknowledged rate; {finalRate:N0} spans/s at the end)");
                Report($"Acknowledged: {during.Acknowledged} batches ({acknowledgedRate:N0} spans/s); refused: {during.Refused} ({load.DescribeRefusals()}); other answers: {load.Problems.Count}");
                Report($"Receiver RSS: {atRest / 1048576.0:F0} MiB at rest, peak {sampledPeak / 1048576.0:F0} MiB sampled every 100 ms, VmHWM {highWater / 1048576.0:F0} MiB; "
                    + $"bound {ResidentBound / 1048576} MiB with an in-flight budget of {InFlightBudget / 1048576} MiB");

                load.Problems.Take(20).ShouldBeEmpty("every answer should be 200, or 429/503 with Retry-After");
                during.Refused.ShouldBeGreaterThan(0,
                    $"nothing was refused in {overloaded.TotalSeconds:F0} s at {offeredRate:N0} spans/s: that was not overload");
                peak.ShouldBeLessThan(ResidentBound, "the receiver's resident memory went over the bound");
            }

            // A 200 means committed, so nothing is left to wait for.
            await StoredExactlyAsync(database, load.Acknowledged);
        }
        finally
        {
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }
    }

    /// <summary>A line of figures; test.sh shows lines that start with "figure: " in its summary, so they reach the CI log.</summary>
    private void Report(string figures) => output.WriteLine("figure: " + figures);

    private static async Task<long> SamplePeakAsync(ServiceProcess receiver, CancellationToken stop)
    {
        var peak = 0L;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                peak = Math.Max(peak, receiver.ResidentBytes());
            }
            while (await timer.WaitForNextTickAsync(stop) && !receiver.HasExited);
        }
        catch (OperationCanceledException)
        {
        }

        return peak;
    }

    /// <summary>Exporters sending batches of <see cref="SpansPerBatch"/> spans, each its own trace, keeping account of every answer.</summary>
    private sealed class Load(int httpPort) : IDisposable
    {
        private readonly HttpClient _client = CreateClient(httpPort);
        private readonly Template _template = new(SpansPerBatch);
        private readonly ConcurrentDictionary<HttpStatusCode, int> _refusals = new();
        private long _offered;
        private long _acknowledged;
        private long _refused;

        /// <summary>Trace ids of acknowledged batches and their span counts.</summary>
        public ConcurrentDictionary<string, long> Acknowledged { get; } = new();

        /// <summary>Answers that are neither 200 nor a refusal with Retry-After.</summary>
        public ConcurrentQueue<string> Problems { get; } = new();

        public int BatchBytes => _template.Bytes;

        public Counts Counts() => new(Interlocked.Read(ref _offered), Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _refused));

        public string DescribeRefusals() =>
            _refusals.IsEmpty ? "none" : string.Join(", ", _refusals.OrderBy(r => r.Key).Select(r => $"{(int)r.Key}: {r.Value}"));

        /// <summary>Each exporter sends its next batch when the previous one is answered; returns the spans acknowledged.</summary>
        public async Task<(long Spans, TimeSpan Elapsed)> ClosedLoopAsync(int exporters, TimeSpan duration)
        {
            var before = Interlocked.Read(ref _acknowledged);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, exporters).Select(_ => Task.Run(async () =>
            {
                while (watch.Elapsed < duration)
                {
                    await SendAsync();
                }
            })));
            return ((Interlocked.Read(ref _acknowledged) - before) * SpansPerBatch, watch.Elapsed);
        }

        /// <summary>
        /// Batches go out on schedule whether or not earlier ones were answered, as a fleet of
        /// services would send them, at twice the sustainable rate: <paramref name="measured"/>, or
        /// the rate the receiver acknowledged over the last <see cref="RateWindow"/> when that is
        /// higher. Saturated, a receiver acknowledges as fast as it can: on two busy cores that was
        /// 1.5 to 3.5 times what the closed loop measured (other work on the machine comes and goes,
        /// and a closed loop does not keep the receiver's queue full), so the offer follows the
        /// receiver up and stays twice what it sustains. Returns how long the batches took to go out
        /// and the rate offered at the end; the answers are awaited too.
        /// </summary>
        public async Task<(TimeSpan Elapsed, double FinalRate)> OpenLoopAsync(double measured, TimeSpan duration)
        {
            var sustainable = measured;
            var watch = Stopwatch.StartNew();
            var sending = new List<Task>();
            var acknowledgedAt = new Queue<(TimeSpan At, long Acknowledged)>();
            var (due, last) = (0.0, TimeSpan.Zero);
            while (watch.Elapsed < duration)
            {
                var now = watch.Elapsed;
                if (acknowledgedAt.Count == 0 || now - acknowledgedAt.Last().At >= TimeSpan.FromSeconds(1))
                {
                    acknowledgedAt.Enqueue((now, Interlocked.Read(ref _acknowledged)));
                    var (since, then) = acknowledgedAt.Peek();
                    if (now - since >= RateWindow)
                    {
                        sustainable = Math.Max(measured, (acknowledgedAt.Last().Acknowledged - then) * SpansPerBatch / (now - since).TotalSeconds);
                        acknowledgedAt.Dequeue();
                    }
                }

                // Every batch due by now goes out, so a late wake-up does not lower the rate.
                due += 2 * sustainable * (now - last).TotalSeconds / SpansPerBatch;
                last = now;
                for (; due >= 1; due--)
                {
                    sending.Add(Task.Run(SendAsync));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(1));
            }

            var elapsed = watch.Elapsed;
            await Task.WhenAll(sending);
            return (elapsed, 2 * sustainable);
        }

        private async Task SendAsync()
        {
            var (payload, traceId) = _template.Next();
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            Interlocked.Increment(ref _offered);
            try
            {
                using var response = await _client.PostAsync(new Uri("v1/traces", UriKind.Relative), content);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Acknowledged[traceId] = SpansPerBatch;
                    Interlocked.Increment(ref _acknowledged);
                }
                else if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                    && response.Headers.RetryAfter is { } retryAfter && (retryAfter.Delta > TimeSpan.Zero || retryAfter.Date is not null))
                {
                    _refusals.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref _refused);
                }
                else
                {
                    Problems.Enqueue($"HTTP {(int)response.StatusCode} (Retry-After: {response.Headers.RetryAfter?.ToString() ?? "none"}): {await MessageOfAsync(response)}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Problems.Enqueue($"no answer: {ex.GetType().Name}: {ex.Message}");
            }
        }

        public void Dispose() => _client.Dispose();

        /// <summary>The message of the google.rpc.Status that OTLP errors carry.</summary>
        private static async Task<string> MessageOfAsync(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            try
            {
                return Tollgate.Ingest.Api.Otlp.Rpc.Status.Parser.ParseFrom(body).Message;
            }
            catch (InvalidProtocolBufferException)
            {
                return $"{body.Length} bytes that are not a google.rpc.Status";
            }
        }

        private static HttpClient CreateClient(int httpPort)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"),
                Timeout = AnswerWithin,
            };
            client.DefaultRequestHeaders.Add("x-api-key", RunningApp.IngestKey);
            return client;
        }
    }

    public readonly record struct Counts(long Offered, long Acknowledged, long Refused)
    {
        public static Counts operator -(Counts a, Counts b) => new(a.Offered - b.Offered, a.Acknowledged - b.Acknowledged, a.Refused - b.Refused);
    }

    /// <summary>
    /// One batch of model-call spans encoded once; each request gets a copy with a trace id of its
    /// own written over the template's, so a minute of load costs the test a copy a request rather
    /// than an encoding.
    /// </summary>
    private sealed class Template
    {
        private readonly byte[] _encoded;
        private readonly int[] _traceIdAt;

        public Template(int spans)
        {
            var trace = NewTraceId();
            var start = DateTime.UtcNow.AddSeconds(-5);
            var request = Request(
                Enumerable.Range(0, spans).Select(i => Span(trace, NewSpanId(), null, "chat gpt-4o-mini", start.AddMilliseconds(i),
                    ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o-mini"),
                    ("gen_ai.response.model", "gpt-4o-mini"), ("gen_ai.usage.input_tokens", 1200 + i), ("gen_ai.usage.output_tokens", 300),
                    ("gen_ai.response.id", $"resp_{i:D8}"), ("tollgate.team", "search"), ("tollgate.feature", "answers"),
                    ("user.id", $"user-{i % 97}"), ("server.address", "api.example.com"), ("http.response.status_code", 200))),
                ("service.name", "overload-test"), ("deployment.environment", "test"));
            _encoded = request.ToByteArray();
            var at = new List<int>();
            for (var from = 0; _encoded.AsSpan(from).IndexOf(trace) is var found and >= 0; from += found + trace.Length)
            {
                at.Add(from + found);
            }

            at.Count.ShouldBe(spans, "the template's trace id should appear once a span");
            _traceIdAt = [.. at];
        }

        public int Bytes => _encoded.Length;

        public (byte[] Payload, string TraceId) Next()
        {
            var trace = NewTraceId();
            var payload = (byte[])_encoded.Clone();
            foreach (var at in _traceIdAt)
            {
                trace.CopyTo(payload, at);
            }

            return (payload, Convert.ToHexString(trace));
        }
    }
}

/// <summary>The overload test measures a rate and then doubles it: no other test of the assembly may run meanwhile.</summary>
[CollectionDefinition(OverloadTests.Name, DisableParallelization = true)]
public sealed class OverloadCollection;
