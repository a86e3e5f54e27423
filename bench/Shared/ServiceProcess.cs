using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Benchmarks;

/// <summary>
/// A Tollgate program (the dashboard or the standalone receiver) in a process of its own, as
/// deployed: started with configuration arguments and ready once its <c>/health/ready</c> answers.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts <paramref name="dll"/> from this program's output folder and waits up to
    /// <paramref name="readyWithin"/> for <c>/health/ready</c> on <paramref name="readyPort"/>.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string dll, IEnumerable<string> arguments, int readyPort, TimeSpan readyWithin, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + readyWithin;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await client.GetAsync(new Uri($"http://127.0.0.1:{readyPort}/health/ready"))).IsSuccessStatusCode)
                {
                    return new ServiceProcess(process);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        var exited = process.HasExited ? $" (it exited with code {process.ExitCode})" : "";
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{dll} did not become ready within {readyWithin.TotalSeconds:0} s{exited}");
    }

    /// <summary><paramref name="count"/> distinct loopback ports that were free a moment ago.</summary>
    public static int[] FreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            ports.Add(((IPEndPoint)listener.LocalEndpoint).Port);
        }

        return [.. ports];
    }

    /// <summary>Resident memory of the process now, from /proc.</summary>
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

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
