using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Tollgate.Ingest.Benchmark;

internal sealed record LoadResult(long AcceptedSpans, int Refused, TimeSpan Elapsed);

internal sealed record OverloadResult(
    long OfferedSpans, long AcceptedSpans, int RefusedBatches, string RefusedStatuses, double PeakRssMiB, string PeakBreakdown, TimeSpan Elapsed, string CpuShares, long Stored = 0);

/// <summary>Exporters sending pre-encoded OTLP/HTTP protobuf batches, as an SDK's batch processor does.</summary>
internal static class LoadGenerator
{
    private static HttpClient Client(ReceiverProcess server)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/") };
        client.DefaultRequestHeaders.Add("x-api-key", ReceiverProcess.Key);
        client.Timeout = TimeSpan.FromMinutes(2);
        return client;
    }

    private static ByteArrayContent Content(byte[] payload)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    /// <summary>Closed loop: each exporter sends its next batch when the previous one is acknowledged.</summary>
    public static async Task<LoadResult> SendAllAsync(ReceiverProcess server, List<byte[]> payloads, int exporters)
    {
        using var client = Client(server);
        var next = -1;
        long accepted = 0;
        var refused = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, exporters).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < payloads.Count)
            {
                using var response = await client.PostAsync(new Uri("v1/traces", UriKind.Relative), Content(payloads[index]));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Add(ref accepted, 512);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        return new LoadResult(accepted, refused, watch.Elapsed);
    }

    /// <summary>Open loop at a target rate: batches go out on schedule whether or not earlier ones were answered.</summary>
    public static async Task<OverloadResult> OverloadAsync(ReceiverProcess server, List<byte[]> payloads, double spansPerSecond, int spansPerBatch)
    {
        using var client = Client(server);
        long accepted = 0;
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var peak = 0L;
        var breakdown = "";
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var resident = server.ResidentBytes();
                if (resident > peak)
                {
                    (peak, breakdown) = (resident, server.ResidentBreakdown());
                }

                await Task.Delay(100, CancellationToken.None);
            }
        });

        var interval = TimeSpan.FromSeconds(spansPerBatch / spansPerSecond);
        var sharesBefore = CpuShares.Take(server.ProcessId);
        var watch = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var i = 0; i < payloads.Count; i++)
        {
            // One reading of the clock: read twice, the wait could come out as exactly -1 ms,
            // which Task.Delay takes as "forever" (the overload run once hung that way).
            var wait = interval * i - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var payload = payloads[i];
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await client.PostAsync(new Uri("v1/traces", UriKind.Relative), Content(payload));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Add(ref accepted, spansPerBatch);
                    }
                    else
                    {
                        statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                    }
                }
                catch (HttpRequestException)
                {
                    statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                }
            }));
        }

        await Task.WhenAll(inFlight);
        var elapsed = watch.Elapsed;
        var shares = CpuShares.Take(server.ProcessId).Since(sharesBefore);
        await sampling.CancelAsync();
        await sampler;
        var refused = statuses.Values.Sum();
        var described = string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}"));
        return new OverloadResult((long)payloads.Count * spansPerBatch, accepted, refused, described.Length > 0 ? described : "none", peak / (1024.0 * 1024.0), breakdown, elapsed, shares);
    }
}
