using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Testing;

/// <summary>
/// A Tollgate program (the dashboard or the standalone receiver) in a process of its own, as
/// deployed: started with configuration arguments and ready once its <c>/health/ready</c> answers.
/// Its memory is its own, so /proc tells what it holds. Shared by the tests and the benchmarks.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>Lines of the program's output kept to explain a failed start.</summary>
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServiceProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the program wrote to its standard output and error.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <paramref name="dll"/> (a path from this program's output folder, or a full path) in its
    /// own folder, where it finds its content (wwwroot, its static-asset manifest), and waits up to
    /// <paramref name="readyWithin"/> for <c>/health/ready</c> on <paramref name="readyPort"/>.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string dll, IEnumerable<string> arguments, int readyPort, TimeSpan readyWithin, IReadOnlyDictionary<string, string>? environment = null)
    {
        var program = Path.Combine(AppContext.BaseDirectory, dll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(program),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        // Drained so that a chatty program never blocks on a full pipe.
        void Keep(object sender, DataReceivedEventArgs e)
        {
            output.Enqueue(e.Data ?? "");
            if (output.Count > KeptLines)
            {
                output.TryDequeue(out _);
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, output);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + readyWithin;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{readyPort}/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        var exited = process.HasExited ? $" (it exited with code {process.ExitCode})" : "";
        await service.DisposeAsync();
        throw new InvalidOperationException(
            $"{dll} did not become ready within {readyWithin.TotalSeconds:0} s{exited}; its output:{Environment.NewLine}{service.RecentOutput}");
    }

    /// <summary>Resident memory of the process now (VmRSS), from /proc.</summary>
    public long ResidentBytes() => StatusBytes("VmRSS:");

    /// <summary>The most resident memory the process has held since it started (VmHWM, the high-water mark), from /proc.</summary>
    public long PeakResidentBytes() => StatusBytes("VmHWM:");

    private long StatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field} line");
    }

    /// <summary>Ends the program at once (SIGKILL), as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
