using System.Diagnostics;

namespace Tollgate.Ingest.Benchmark;

/// <summary>
/// A CPU sampling profile of the receiver during the end-to-end run, when BENCH_TRACE_FILE names
/// the file to write (bench/ingest-profile.sh sets it and prints the profile's top functions).
/// dotnet-trace comes from the repository's tool manifest (dotnet tool restore).
/// </summary>
internal sealed class CpuProfile : IAsyncDisposable
{
    private readonly Process? _collector;

    private CpuProfile(Process? collector) => _collector = collector;

    public static CpuProfile Start(int processId)
    {
        if (Environment.GetEnvironmentVariable("BENCH_TRACE_FILE") is not { Length: > 0 } file)
        {
            return new CpuProfile(null);
        }

        var collector = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "tool", "run", "dotnet-trace", "--", "collect", "-p", processId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--profile", "cpu-sampling", "-o", file },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("dotnet-trace did not start");
        // dotnet-trace prints its output file's name once the session runs.
        while (collector.StandardOutput.ReadLine() is { } line && !line.Contains("Output File", StringComparison.OrdinalIgnoreCase))
        {
        }

        return new CpuProfile(collector);
    }

    public async ValueTask DisposeAsync()
    {
        if (_collector is null)
        {
            return;
        }

        // Enter ends the session and writes the trace.
        await _collector.StandardInput.WriteLineAsync();
        _ = _collector.StandardOutput.ReadToEndAsync();
        await _collector.WaitForExitAsync();
        _collector.Dispose();
    }
}
