using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Pricing;
using Tollgate.Benchmarks;
using Tollgate.Governance.Benchmark;

// Governance check latency and throughput against the real dashboard over HTTP/1.1 keep-alive,
// each next to the same client against /health/live (the cheapest endpoint) in the same run, and
// the in-process rate of the decision itself.
// Usage: dotnet run -c Release --project bench/Governance.Benchmark -- <admin connection string>
// (bench/governance.sh starts a throwaway PostgreSQL and passes it.)
var admin = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("TOLLGATE_BENCH_PG")
    ?? throw new InvalidOperationException("pass a PostgreSQL superuser connection string (or set TOLLGATE_BENCH_PG); bench/governance.sh does");
var pacedRate = Setting("BENCH_RATE", 1000);
var pacedSeconds = Setting("BENCH_PACED_SECONDS", 20);
var clients = Setting("BENCH_CLIENTS", 32);
var saturationSeconds = Setting("BENCH_SATURATION_SECONDS", 10);

var databaseName = $"tollgate_bench_governance_{Environment.ProcessId}";
await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {databaseName}");
await ExecuteAsync(admin, $"CREATE DATABASE {databaseName}");
var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = databaseName }.ConnectionString;
try
{
    await using var dashboard = await DashboardProcess.StartAsync(connectionString);
    await SeedAsync(connectionString, dashboard.Port);

    var check = KeepAliveConnection.Request("POST", "/api/v1/governance/check", dashboard.Port, DashboardProcess.AdminKey,
        """{"team":"checkout","feature":"summarise","customer":"acme","model":"gpt-5.5","estimatedCostUsd":0.25}""");
    var live = KeepAliveConnection.Request("GET", "/health/live", dashboard.Port, null, null);
    using (var probe = new KeepAliveConnection(dashboard.Port))
    {
        var status = await probe.SendAsync(check);
        Console.WriteLine($"governance check answers {status}");
        if (status != 200)
        {
            return 1;
        }
    }

    Console.WriteLine($"Warming up, then {pacedSeconds} s paced at {pacedRate}/s, then {saturationSeconds} s with {clients} clients, for each endpoint...");
    await Load.SaturateAsync(dashboard.Port, check, clients, TimeSpan.FromSeconds(3));
    await Load.SaturateAsync(dashboard.Port, live, clients, TimeSpan.FromSeconds(2));
    var pacedLive = await Load.PacedAsync(dashboard.Port, live, pacedRate, TimeSpan.FromSeconds(pacedSeconds));
    var pacedCheck = await Load.PacedAsync(dashboard.Port, check, pacedRate, TimeSpan.FromSeconds(pacedSeconds));
    var maxLive = await Load.SaturateAsync(dashboard.Port, live, clients, TimeSpan.FromSeconds(saturationSeconds));
    var maxCheck = await Load.SaturateAsync(dashboard.Port, check, clients, TimeSpan.FromSeconds(saturationSeconds));

    var decisionRate = await InProcessRateAsync(connectionString);

    Console.WriteLine();
    Console.WriteLine($"Governance benchmark, {Environment.ProcessorCount} cores (client and dashboard on the same machine), HTTP/1.1 keep-alive");
    Console.WriteLine($"  paced {pacedRate}/s for {pacedSeconds} s, latency from the scheduled send (p50 / p99 / p99.9 / max, ms):");
    Console.WriteLine($"    /health/live              {pacedLive}   (reference)");
    Console.WriteLine($"    /api/v1/governance/check  {pacedCheck}   (target p99 <= 5 ms)");
    Console.WriteLine($"  sustained with {clients} concurrent clients:");
    Console.WriteLine($"    /health/live              {maxLive.PerSecond,10:N0} requests/s  (reference, {maxLive.Errors} errors)");
    Console.WriteLine($"    /api/v1/governance/check  {maxCheck.PerSecond,10:N0} checks/s    = {maxCheck.PerSecond / maxLive.PerSecond:P0} of /health/live (target >= 20,000/s, {maxCheck.Errors} errors)");
    Console.WriteLine($"  in-process decision (GovernanceCheck.Decide, one thread): {decisionRate:N0} calls/s");
    return pacedCheck.Errors + maxCheck.Errors == 0 ? 0 : 1;
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
}

// Four budgets a check matches (total, team, feature, customer) and a week of spend under them.
static async Task SeedAsync(string connectionString, int port)
{
    await ExecuteAsync(connectionString, """
        INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, provider, model, provided_cost_usd, billing, team, feature, customer)
        SELECT (SELECT id FROM projects WHERE name = 'default'), decode(md5(g::text), 'hex'), decode(substr(md5(g::text), 1, 16), 'hex'), 'chat', 3,
               now() - (g % 3600) * interval '1 second', now() - (g % 3600) * interval '1 second', 1, 'openai', 'gpt-5.5', 0.01, true,
               (ARRAY['checkout', 'search', 'support'])[1 + g % 3], (ARRAY['summarise', 'rerank'])[1 + g % 2], 'customer-' || (g % 500)
        FROM generate_series(1, 20000) g
        """);
    using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    client.DefaultRequestHeaders.Authorization = new("Bearer", DashboardProcess.AdminKey);
    object[] budgets =
    [
        new { scope = "total", period = "monthly", amountUsd = 10_000 },
        new { scope = "team", scopeKey = "checkout", period = "weekly", amountUsd = 1_000 },
        new { scope = "feature", scopeKey = "summarise", period = "weekly", amountUsd = 2_000 },
        new { scope = "customer", scopeKey = "acme", period = "monthly", amountUsd = 50 },
    ];
    foreach (var budget in budgets)
    {
        (await client.PostAsJsonAsync("api/v1/budgets", budget)).EnsureSuccessStatusCode();
    }
}

static async Task<double> InProcessRateAsync(string connectionString)
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    using var tracker = new SpendTracker(dataSource, new BudgetOptions(), TimeProvider.System, NullLogger<SpendTracker>.Instance);
    await tracker.ReloadAsync();
    var prices = new CurrentPrices(new PriceStore(dataSource));
    await prices.RefreshAsync();
    var check = new GovernanceCheck(tracker, prices, TimeProvider.System);
    GovernanceRequest[] requests =
    [
        new(null, "checkout", "summarise", "acme", "gpt-5.5", 0.25m),
        new(null, "search", "rerank", "customer-7", "gpt-5.4-mini", 0.01m),
        new(null, "support", null, null, null, null),
    ];
    var best = 0.0;
    for (var run = 0; run < 3; run++)
    {
        var watch = Stopwatch.StartNew();
        var calls = 0;
        while (watch.ElapsedMilliseconds < 1000)
        {
            for (var i = 0; i < 1000; i++)
            {
                _ = check.Decide(requests[i % requests.Length], "default");
            }

            calls += 1000;
        }

        best = Math.Max(best, calls / watch.Elapsed.TotalSeconds);
    }

    return best;
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static int Setting(string name, int fallback) =>
    int.Parse(Environment.GetEnvironmentVariable(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
