using Tollgate.Testing;

namespace Tollgate.Governance.Benchmark;

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

    public static async Task<DashboardProcess> StartAsync(string connectionString)
    {
        var web = FreePort.Next();
        var process = await ServiceProcess.StartAsync("Tollgate.Dashboard.Web.dll",
            [
                $"--ConnectionStrings:Tollgate={connectionString}", $"--Tollgate:HttpPort={web}", $"--Tollgate:BootstrapAdminKey={AdminKey}",
                "--Tollgate:Ingest:Embedded=false", "--Logging:LogLevel:Default=Warning",
            ],
            readyPort: web, readyWithin: TimeSpan.FromSeconds(30));
        return new DashboardProcess(process, web);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
