using Microsoft.AspNetCore.Builder;

namespace Tollgate.Testing;

/// <summary>
/// A Tollgate process started in-process on real Kestrel ports against its own database, as a
/// user would run it. Settings are passed the way users pass them: as configuration arguments.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    public const string AdminKey = "tg_admin_test_0123456789abcdefghijkl";
    public const string IngestKey = "tg_ingest_test_0123456789abcdefghijk";
    public const string AdminUser = "admin";
    public const string AdminPassword = "correct-horse-battery";

    private RunningApp(WebApplication app, TestDatabase database, int httpPort, int otlpHttpPort, int otlpGrpcPort, string spoolDirectory)
    {
        App = app;
        SpoolDirectory = spoolDirectory;
        Database = database;
        HttpPort = httpPort;
        OtlpHttpPort = otlpHttpPort;
        OtlpGrpcPort = otlpGrpcPort;
    }

    public WebApplication App { get; }
    public TestDatabase Database { get; }
    public int HttpPort { get; }
    public int OtlpHttpPort { get; }
    public int OtlpGrpcPort { get; }

    /// <summary>The receiver's spool: a fresh directory per app unless a test gives one, so no test replays another's spans.</summary>
    public string SpoolDirectory { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");
    public Uri OtlpHttpAddress => new($"http://127.0.0.1:{OtlpHttpPort}/");
    public Uri OtlpGrpcAddress => new($"http://127.0.0.1:{OtlpGrpcPort}/");

    public static async Task<RunningApp> StartAsync(
        Func<string[], Task<WebApplication>> build,
        TestDatabase? database = null,
        IDictionary<string, string>? settings = null)
    {
        database ??= await TestDatabase.CreateAsync();
        ServerActivity.Listen();
        // Another process can take a probed port before the app binds it; then try fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            var (http, otlpHttp, otlpGrpc) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
            var all = new Dictionary<string, string>
            {
                ["ConnectionStrings:Tollgate"] = database.ConnectionString,
                ["Tollgate:HttpPort"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Tollgate:Ingest:HttpPort"] = otlpHttp.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Tollgate:Ingest:GrpcPort"] = otlpGrpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Tollgate:BootstrapAdminKey"] = AdminKey,
                ["Tollgate:BootstrapIngestKey"] = IngestKey,
                ["Tollgate:BootstrapAdminUser"] = AdminUser,
                ["Tollgate:BootstrapAdminPassword"] = AdminPassword,
                ["Logging:LogLevel:Default"] = "Warning",
                ["Tollgate:Ingest:Spool:Directory"] = Path.Combine(Path.GetTempPath(), "tollgate-test-spool-" + Guid.NewGuid().ToString("N")[..12]),
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                all[key] = value;
            }

            var app = await build(all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
            try
            {
                await app.StartAsync();
                return new RunningApp(app, database, http, otlpHttp, otlpGrpc, all["Tollgate:Ingest:Spool:Directory"]);
            }
            catch (IOException ex) when (attempt < 3 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await app.DisposeAsync();
            }
        }
    }

    private readonly List<Func<Task>> _beforeStop = [];

    /// <summary>
    /// Work to do before the app stops, such as closing the browser pages open on it. A page left
    /// open sees its circuit cut when the server stops and reconnects at once; a connection made
    /// while the server is stopping holds its shutdown until the host's timeout.
    /// </summary>
    public void BeforeStop(Func<Task> work)
    {
        lock (_beforeStop)
        {
            _beforeStop.Add(work);
        }
    }

    public HttpClient CreateClient(bool withAdminKey = false, bool followRedirects = true)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = BaseAddress };
        if (withAdminKey)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        List<Func<Task>> beforeStop;
        lock (_beforeStop)
        {
            beforeStop = [.. _beforeStop];
        }

        foreach (var work in beforeStop)
        {
            await work();
        }

        // What the server still holds 10 s into its stop, read for the error below: by the host's
        // 30 s timeout, Kestrel has cut every connection and the figures say nothing.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        var heldDuringStop = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ => ServerActivity.Describe(HttpPort), TaskScheduler.Default);
        try
        {
            await App.StopAsync();
        }
        catch (OperationCanceledException e)
        {
            var held = heldDuringStop.IsCompletedSuccessfully ? heldDuringStop.Result : "not read";
            throw new TimeoutException($"The app took {stopping.Elapsed.TotalSeconds:0} s to stop, past the host's shutdown timeout. 10 s into the stop: {held}.", e);
        }

        await App.DisposeAsync();
        await Database.DisposeAsync();
        if (SpoolDirectory.Contains("tollgate-test-spool-", StringComparison.Ordinal) && Directory.Exists(SpoolDirectory))
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
    }
}
