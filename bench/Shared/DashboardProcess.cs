using Tollgate.Testing;

namespace Tollgate.Benchmarks;

/// <summary>The dashboard (Tollgate.Dashboard.Web) in a process of its own, as deployed, without the embedded receiver.</summary>
internal sealed class DashboardProcess : IAsyncDisposable
{
    public const string AdminKey = "tg_admin_benchmark_key_0123456789";

    private readonly ServiceProcess _process;

    private DashboardProcess(ServiceProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts the dashboard on <paramref name="connectionString"/>; <paramref name="settings"/> are more configuration arguments.</summary>
    public static Task<DashboardProcess> StartAsync(string connectionString, params string[] settings) =>
        StartAsync(connectionString, publishedIn: null, settings);

    /// <summary>
    /// Starts the dashboard published in <paramref name="publishedIn"/> (as run.sh deploys it: static assets
    /// compressed and cached for a year under fingerprinted names), or the build beside this benchmark when null.
    /// </summary>
    public static async Task<DashboardProcess> StartAsync(string connectionString, string? publishedIn, params string[] settings)
    {
        var web = FreePort.Next();
        var process = await ServiceProcess.StartAsync(Path.Combine(publishedIn ?? AppContext.BaseDirectory, "Tollgate.Dashboard.Web.dll"),
            [
                $"--ConnectionStrings:Tollgate={connectionString}", $"--Tollgate:HttpPort={web}", $"--Tollgate:BootstrapAdminKey={AdminKey}",
                "--Tollgate:Ingest:Embedded=false", "--Logging:LogLevel:Default=Warning", .. settings,
            ],
            readyPort: web, readyWithin: TimeSpan.FromSeconds(30));
        return new DashboardProcess(process, web);
    }

    public int ProcessId => _process.ProcessId;

    /// <summary>The last lines the dashboard wrote, to say why a step failed.</summary>
    public string RecentOutput => _process.RecentOutput;

    /// <summary>Resident memory of the dashboard now, from /proc.</summary>
    public long ResidentBytes() => _process.ResidentBytes();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
