using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Governance.Benchmark;

/// <summary>The dashboard (Tollgate.Dashboard.Web) in a process of its own, as deployed, without the embedded receiver.</summary>
internal sealed class DashboardProcess : IAsyncDisposable
{
    public const string AdminKey = "tg_admin_benchmark_key_0123456789";

    private readonly Process _process;

    private DashboardProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<DashboardProcess> StartAsync(string connectionString)
    {
        var web = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Tollgate.Dashboard.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, $"--ConnectionStrings:Tollgate={connectionString}", $"--Tollgate:HttpPort={web}", $"--Tollgate:BootstrapAdminKey={AdminKey}",
                "--Tollgate:Ingest:Embedded=false", "--Logging:LogLevel:Default=Warning",
            },
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var process = Process.Start(start)!;
        using var client = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await client.GetAsync(new Uri($"http://127.0.0.1:{web}/health/ready"))).IsSuccessStatusCode)
                {
                    return new DashboardProcess(process, web);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new InvalidOperationException("the dashboard did not become ready");
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
