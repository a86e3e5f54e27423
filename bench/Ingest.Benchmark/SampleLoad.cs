using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Ingest.Benchmark;

/// <summary>Runs samples/OrchestratedApp in load mode against a receiver and returns its report line.</summary>
internal static class SampleLoad
{
    public static async Task<string> RunAsync(string sampleDll, ReceiverProcess receiver, double spansPerSecond, int seconds)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                sampleDll, "load", "--endpoint", $"http://127.0.0.1:{receiver.Port}", "--key", ReceiverProcess.Key,
                "--spans-per-second", spansPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                "--duration", seconds.ToString(CultureInfo.InvariantCulture), "--batch-size", "512",
            },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
        return process.ExitCode == 0 ? line : $"{line} (exit code {process.ExitCode})";
    }
}
