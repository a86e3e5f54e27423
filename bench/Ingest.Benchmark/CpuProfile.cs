using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Ingest.Benchmark;

/// <summary>
/// A sampling profile of the receiver's managed threads (about 100 stacks a second each, running
/// or waiting) over the first ten seconds of the end-to-end run, when BENCH_TRACE_FILE names the file to write
/// (bench/ingest-profile.sh sets it and prints the profile's top functions). dotnet-trace comes
/// from the repository's tool manifest (dotnet tool restore).
/// </summary>
internal sealed class CpuProfile : IAsyncDisposable
{
    /// <summary>Sampled from the start of the measured run, which lasts longer than this at any rate the receiver reaches here.</summary>
    private const string Duration = "00:00:00:10";

    private readonly Process? _collector;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CpuProfile(Process? collector) => _collector = collector;

    public static async Task<CpuProfile> StartAsync(int processId)
    {
        if (Environment.GetEnvironmentVariable("BENCH_TRACE_FILE") is not { Length: > 0 } file)
        {
            return new CpuProfile(null);
        }

        var collector = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "tool", "run", "dotnet-trace", "--", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture),
                "--profile", "dotnet-sampled-thread-time", "-o", file, "--duration", Duration,
            },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("dotnet-trace did not start");
        var profile = new CpuProfile(collector);
        var tracing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Its progress line keeps coming: read it all, or a full pipe stops the collector.
        _ = Task.Run(async () =>
        {
            while (await collector.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Contains("Output File", StringComparison.OrdinalIgnoreCase))
                {
                    tracing.TrySetResult();
                }
                else if (line.Contains("Trace completed", StringComparison.OrdinalIgnoreCase))
                {
                    profile._completed.TrySetResult();
                }
            }

            tracing.TrySetException(new InvalidOperationException("dotnet-trace ended before tracing"));
            profile._completed.TrySetResult();
        });
        await tracing.Task.WaitAsync(TimeSpan.FromMinutes(1));
        return profile;
    }

    public async ValueTask DisposeAsync()
    {
        if (_collector is null)
        {
            return;
        }

        // The session ends after its duration; once the trace is written out, the collector is not
        // needed (with its output redirected it does not always exit by itself).
        await _completed.Task.WaitAsync(TimeSpan.FromMinutes(5));
        _collector.Kill(entireProcessTree: true);
        await _collector.WaitForExitAsync();
        _collector.Dispose();
    }
}
