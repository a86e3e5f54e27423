using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Ingest.Benchmark;

/// <summary>
/// A sampling profile of the receiver over the first ten seconds of the end-to-end run, in one of two
/// kinds (bench/ingest-profile.sh starts either and prints the profile's top functions):
/// <list type="bullet">
/// <item>BENCH_TRACE_FILE: dotnet-trace's thread-time sampling of the managed threads, about 100 stacks a
/// second each whether running or waiting (dotnet-trace comes from the repository's tool manifest);</item>
/// <item>BENCH_PERF_FILE: Linux perf's CPU sampling, which sees only threads on a core, the runtime's and
/// the kernel's work included. The receiver must write its JIT symbol map (DOTNET_PerfMapEnabled=1).</item>
/// </list>
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
        if (Environment.GetEnvironmentVariable("BENCH_PERF_FILE") is { Length: > 0 } perfFile)
        {
            return StartPerf(processId, perfFile);
        }

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

    private static CpuProfile StartPerf(int processId, string file)
    {
        var recorder = Process.Start(new ProcessStartInfo("perf")
        {
            ArgumentList =
            {
                "record", "-F", "999", "-g", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", file,
                "--", "sleep", "10",
            },
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("perf did not start");
        var profile = new CpuProfile(recorder);
        _ = Task.Run(async () =>
        {
            var errors = await recorder.StandardError.ReadToEndAsync();
            await recorder.WaitForExitAsync();
            if (recorder.ExitCode == 0)
            {
                profile._completed.TrySetResult();
            }
            else
            {
                profile._completed.TrySetException(new InvalidOperationException(
                    $"perf record failed ({recorder.ExitCode}; it needs root or kernel.perf_event_paranoid <= 1): {errors.Trim()}"));
            }
        });
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
