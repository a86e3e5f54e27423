using System.Globalization;
using System.Net;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;
using static Tollgate.Ingest.Api.Tests.Otlp.ResilienceTests;

namespace Tollgate.Ingest.Api.Tests.Spooling;

/// <summary>The standalone receiver in a process of its own, killed with spans in its spool.</summary>
public sealed class SpoolCrashTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task After_a_SIGKILL_with_records_in_the_spool_a_restarted_receiver_stores_every_acknowledged_span_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        var spoolDirectory = Path.Combine(Path.GetTempPath(), "tollgate-test-spool-" + Guid.NewGuid().ToString("N")[..12]);
        var (httpPort, grpcPort) = (FreePort.Next(), FreePort.Next());
        try
        {
            var acknowledged = new List<byte[]>();
            await using (var receiver = await StartAsync(database, spoolDirectory, httpPort, grpcPort))
            {
                // Sent once with the database up, so that the key is known when it goes away.
                var first = NewTraceId();
                (await PostAsync(httpPort, first)).ShouldBe(HttpStatusCode.OK);
                acknowledged.Add(first);
                await database.SetConnectionsAllowedAsync(allowed: false);
                for (var i = 0; i < 30; i++)
                {
                    var trace = NewTraceId();
                    (await PostAsync(httpPort, trace)).ShouldBe(HttpStatusCode.OK);
                    acknowledged.Add(trace);
                }

                (await SpoolOutageTests.SpoolHealthAsync(httpPort)).Records.ShouldBe(30);
                await receiver.KillAsync();
            }

            await database.SetConnectionsAllowedAsync(allowed: true);
            await using (var restarted = await StartAsync(database, spoolDirectory, httpPort, grpcPort))
            {
                await Eventually.TrueAsync(async () => (await SpoolOutageTests.SpoolHealthAsync(httpPort)).Records == 0, Bound,
                    "The restarted receiver replaying its spool");
            }

            var stored = await StoredPerTraceAsync(database);
            acknowledged.Select(t => stored.GetValueOrDefault(Convert.ToHexString(t))).ShouldAllBe(n => n == 10);
            stored.Values.Sum().ShouldBe(acknowledged.Count * 10);
        }
        finally
        {
            if (Directory.Exists(spoolDirectory))
            {
                Directory.Delete(spoolDirectory, recursive: true);
            }
        }
    }

    private static async Task<HttpStatusCode> PostAsync(int httpPort, byte[] trace)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
        client.DefaultRequestHeaders.Add("x-api-key", RunningApp.IngestKey);
        using var content = new ByteArrayContent(Google.Protobuf.MessageExtensions.ToByteArray(Batch(trace, 10)));
        content.Headers.ContentType = new("application/x-protobuf");
        return (await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), content)).StatusCode;
    }

    /// <summary>The receiver as deployed: its own process, settings on the command line.</summary>
    private static Task<ServiceProcess> StartAsync(TestDatabase database, string spoolDirectory, int httpPort, int grpcPort) =>
        ServiceProcess.StartAsync("Tollgate.Ingest.Api.dll",
            [
                $"--ConnectionStrings:Tollgate={database.ConnectionString}",
                $"--Tollgate:Ingest:HttpPort={httpPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Tollgate:Ingest:GrpcPort={grpcPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Tollgate:BootstrapIngestKey={RunningApp.IngestKey}", $"--Tollgate:Ingest:Spool:Directory={spoolDirectory}",
                "--Logging:LogLevel:Default=Warning",
            ],
            readyPort: httpPort, readyWithin: Bound);
}
