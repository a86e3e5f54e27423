using Tollgate.Testing;

namespace Tollgate.Ingest.Benchmark;

/// <summary>The standalone receiver (Tollgate.Ingest.Api) in a process of its own, as deployed.</summary>
internal sealed class ReceiverProcess : IAsyncDisposable
{
    public const string Key = "tg_ingest_benchmark_key_0123456789";

    private readonly ServiceProcess _process;
    private readonly string _spoolDirectory;

    private ReceiverProcess(ServiceProcess process, int port, string spoolDirectory)
    {
        _process = process;
        Port = port;
        _spoolDirectory = spoolDirectory;
    }

    /// <summary>The OTLP/HTTP port.</summary>
    public int Port { get; }
    public int ProcessId => _process.ProcessId;

    public static async Task<ReceiverProcess> StartAsync(string connectionString)
    {
        var (http, grpc, web) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var spool = Path.Combine(Path.GetTempPath(), $"tollgate-bench-spool-{http}");
        // BENCH_RECEIVER_ENV="NAME=value;NAME=value" passes runtime settings to the receiver, for experiments.
        var environment = (Environment.GetEnvironmentVariable("BENCH_RECEIVER_ENV") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
        var process = await ServiceProcess.StartAsync("Tollgate.Ingest.Api.dll",
            [
                $"--ConnectionStrings:Tollgate={connectionString}", $"--Tollgate:Ingest:HttpPort={http}",
                $"--Tollgate:Ingest:GrpcPort={grpc}", $"--Tollgate:HttpPort={web}", $"--Tollgate:BootstrapIngestKey={Key}",
                "--Tollgate:Ingest:DefaultRateLimitPerSecond=100000000", "--Logging:LogLevel:Default=Warning",
                $"--Tollgate:Ingest:Spool:Directory={spool}",
            ],
            readyPort: http, readyWithin: TimeSpan.FromSeconds(20), environment);
        return new ReceiverProcess(process, http, spool);
    }

    /// <summary>CPU time the receiver has used so far, user and system, on every core.</summary>
    public TimeSpan ProcessorTime()
    {
        using var process = System.Diagnostics.Process.GetProcessById(ProcessId);
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// CPU time the runtime's tiered-compilation thread has used so far, from /proc: the JIT's work of
    /// re-compiling hot methods optimised, which ends once the receiver's code paths have warmed up.
    /// </summary>
    public TimeSpan TieredCompilationTime()
    {
        var ticks = 0L;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{ProcessId}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    ticks += CpuShares.CpuTicks(Path.Combine(task, "stat"));
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading: it has no more time to add.
            }
        }

        // Ticks are USER_HZ, 100 a second.
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Resident memory of the receiver now, from /proc.</summary>
    public long ResidentBytes() => _process.ResidentBytes();

    /// <summary>Resident memory by kind from /proc/pid/status: anonymous (heaps, stacks), file-backed (code), shared.</summary>
    public string ResidentBreakdown()
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{ProcessId}/status");
            return string.Join(", ", lines.Where(l => l.StartsWith("RssAnon:", StringComparison.Ordinal) || l.StartsWith("RssFile:", StringComparison.Ordinal) || l.StartsWith("RssShmem:", StringComparison.Ordinal))
                .Select(l => $"{l.Split(':')[0][3..].ToLowerInvariant()} {long.Parse(l.Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024} MiB"));
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }
}
