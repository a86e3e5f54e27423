using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Ingest.Benchmark;

/// <summary>The standalone receiver (Tollgate.Ingest.Api) in a process of its own, as deployed.</summary>
internal sealed class ReceiverProcess : IAsyncDisposable
{
    public const string Key = "tg_ingest_benchmark_key_0123456789";

    private readonly Process _process;

    private ReceiverProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public int ProcessId => _process.Id;

    public static async Task<ReceiverProcess> StartAsync(string connectionString)
    {
        var (http, grpc, web) = (FreePort(), FreePort(), FreePort());
        var dll = Path.Combine(AppContext.BaseDirectory, "Tollgate.Ingest.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, $"--ConnectionStrings:Tollgate={connectionString}", $"--Tollgate:Ingest:HttpPort={http}",
                $"--Tollgate:Ingest:GrpcPort={grpc}", $"--Tollgate:HttpPort={web}", $"--Tollgate:BootstrapIngestKey={Key}",
                "--Tollgate:Ingest:DefaultRateLimitPerSecond=100000000", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        // BENCH_RECEIVER_ENV="NAME=value;NAME=value" passes runtime settings to the receiver, for experiments.
        foreach (var pair in (Environment.GetEnvironmentVariable("BENCH_RECEIVER_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            start.Environment[parts[0]] = parts[1];
        }

        var process = Process.Start(start)!;
        using var client = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await client.GetAsync(new Uri($"http://127.0.0.1:{http}/health/ready"))).IsSuccessStatusCode)
                {
                    return new ReceiverProcess(process, http);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new InvalidOperationException("the receiver did not become ready");
    }

    /// <summary>Resident memory of the receiver now, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
