using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Npgsql;
using Tollgate.Benchmarks;
using Tollgate.Pages.Benchmark;

// Page benchmark: what a first visit downloads, how soon the weekly review and the dependency map paint and become interactive
// in a real Chromium, and the dashboard's memory per open circuit, over a database that the
// analytics benchmark filled (bench/pages.sh makes one of BENCH_SPANS spans first), once the
// dashboard's start-up jobs have finished (see JobRuns).
// References measured in the same run: a one-line text page (what this browser and machine need
// to paint anything), the statically rendered sign-in page (no data, no circuit)
// and the JSON API answering each page's main question from the same database.
// Usage: dotnet Tollgate.Pages.Benchmark.dll <admin connection string>
// Settings: BENCH_REUSE_DB (the database; else the newest the analytics benchmark kept),
// BENCH_PAGE_LOADS (30), BENCH_TABS (50), BENCH_HOLD_SECONDS (0: how long to keep the tabs open at the end,
// to look inside the process), BENCH_TRACE_DIR (writes there a Chrome performance trace of each page's
// last load), BENCH_SAMPLES_DIR (writes there each page's stage times, load by load, as CSV), TOLLGATE_CHROMIUM (a Chromium executable), BENCH_DASHBOARD_PUBLISHED (the published dashboard),
// BENCH_COMPARE_PUBLISHED (another published build, started beside it as a second instance on the same database;
// each page is loaded from both in turn and its times printed for both).
var admin = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("TOLLGATE_BENCH_PG")
    ?? throw new InvalidOperationException("pass a PostgreSQL superuser connection string (or set TOLLGATE_BENCH_PG); bench/pages.sh does");
var chromium = Environment.GetEnvironmentVariable("TOLLGATE_CHROMIUM") is { Length: > 0 } path
    ? path
    : throw new InvalidOperationException("set TOLLGATE_CHROMIUM to a Chromium executable; bench/pages.sh installs one and does");
// The dashboard as deployed: a build (dotnet build) serves every static asset with no-cache and
// uncompressed, so each page load would fetch MudBlazor's 600 KiB stylesheet again.
var published = Environment.GetEnvironmentVariable("BENCH_DASHBOARD_PUBLISHED") is { Length: > 0 } folder
    ? folder
    : throw new InvalidOperationException("set BENCH_DASHBOARD_PUBLISHED to a folder where the dashboard is published (dotnet publish -c Release); bench/pages.sh does");
var loads = int.Parse(Environment.GetEnvironmentVariable("BENCH_PAGE_LOADS") ?? "30", CultureInfo.InvariantCulture);
var tabs = int.Parse(Environment.GetEnvironmentVariable("BENCH_TABS") ?? "50", CultureInfo.InvariantCulture);

var database = Environment.GetEnvironmentVariable("BENCH_REUSE_DB") ?? await NewestAnalyticsDatabaseAsync(admin)
    ?? throw new InvalidOperationException("no database to measure: run bench/pages.sh, or set BENCH_REUSE_DB to one the analytics benchmark kept (BENCH_KEEP_DB=1)");
var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
await using var dataSource = NpgsqlDataSource.Create(connectionString);
var spans = (long)(await dataSource.CreateCommand("SELECT count(*) FROM spans").ExecuteScalarAsync())!;
Console.WriteLine($"Database {database}: {spans:N0} spans");

const string User = "bench-admin";
const string Password = "bench-admin-password";
var jobs = new JobRuns(dataSource);
var started = await jobs.NowAsync();
await using var dashboard = await DashboardProcess.StartAsync(connectionString, published,
    $"--Tollgate:BootstrapAdminUser={User}", $"--Tollgate:BootstrapAdminPassword={Password}");
// Another build to compare with, on the same database, its loads taken in turn with this build's. It
// runs as a second instance of the same deployment would, jobs included (both instances take them from
// one queue in the database), so that neither process carries work the other does not.
await using var comparedDashboard = Environment.GetEnvironmentVariable("BENCH_COMPARE_PUBLISHED") is { Length: > 0 } compared
    ? await DashboardProcess.StartAsync(connectionString, compared, $"--Tollgate:BootstrapAdminUser={User}", $"--Tollgate:BootstrapAdminPassword={Password}")
    : null;
// Measured on a settled server: the jobs that run at start (rollups, dependencies, the first anomaly scan)
// have finished. Later runs (the rollups every minute, a scan every 15) are part of a running
// dashboard, and each measurement names those that ran during it.
var settled = await jobs.WaitForStartJobsAsync(started, TimeSpan.FromMinutes(10));
Console.WriteLine($"The dashboard's start-up jobs finished {settled.TotalSeconds:F1} s after it was up");
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = chromium,
    Headless = true,
    Args = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
});
// 0. What a first visit downloads, with nothing in the browser's cache.
var (signInPage, weeklyPage) = await PageVisits.FirstVisitAsync(browser, dashboard.BaseAddress, User, Password);
Console.WriteLine("A first visit, nothing cached: KiB over the wire (headers included) and, as the reference, once decoded; the largest downloads");
foreach (var (label, downloads) in new[] { ("the sign-in page", signInPage), ("then, signed in, the weekly review", weeklyPage) })
{
    Console.WriteLine($"  {label,-50} {downloads.Sum(d => d.Transferred) / 1024.0,8:F0} KiB of {downloads.Sum(d => d.Decoded) / 1024.0:F0} KiB");
    foreach (var (name, transferred, decoded) in downloads.Where(d => d.Transferred > 0).OrderByDescending(d => d.Decoded).Take(3))
    {
        Console.WriteLine($"    {name,-48} {transferred / 1024.0,8:F0} KiB of {decoded / 1024.0:F0} KiB");
    }
}

var visits = await PageVisits.SignInAsync(browser, dashboard.BaseAddress, User, Password);
PageVisits[] builds = comparedDashboard is null
    ? [visits]
    : [visits, await PageVisits.SignInAsync(browser, comparedDashboard.BaseAddress, User, Password)];

// 1. First paint and time to interactive, each page loaded in a new tab, then in a tab already open.
foreach (var openTab in new[] { false, true })
{
    Console.WriteLine($"Page loads ({loads} of each, the pages in turn, after 3 rounds to warm up), {(openTab ? "in a tab already open on another page" : "each in a new tab")}, ms from navigation start (p50 / p95):");
    Console.WriteLine($"  {"page",-50} {"HTML in",15} {"first paint",15} {"interactive",15} {"figures",15}");
    var from = await jobs.NowAsync();
    var times = await PageVisits.MeasureAsync(builds,
        [("/health/live", "body"), ("/account/login", "form"), ("/", "[data-testid=cost-this-week]"), ("/dependencies", "canvas")], loads, openTab);
    var until = await jobs.NowAsync();
    string[] labels = ["one line of text (the browser's floor: reference)", "sign-in (static, no data: reference)", "weekly review /", "dependency map /dependencies"];
    for (var page = 0; page < labels.Length; page++)
    {
        for (var build = 0; build < times.Length; build++)
        {
            var label = build == 0 ? labels[page] : "  the same, compared build";
            var result = times[build][page];
            Console.WriteLine($"  {label,-50} {result.Html,15} {result.FirstPaint,15} {result.Interactive,15} {result.Figures,15}");
        }
    }

    Console.WriteLine($"  job runs during these loads ({(until - from).TotalSeconds:F0} s): {await jobs.DuringAsync(from, until)}");
}

// 2. The same questions through the JSON API (the database work each page does at least).
using (var api = new HttpClient { BaseAddress = dashboard.BaseAddress })
{
    api.DefaultRequestHeaders.Authorization = new("Bearer", DashboardProcess.AdminKey);
    var week = DateTime.UtcNow.Date.AddDays(-(((int)DateTime.UtcNow.DayOfWeek + 6) % 7));
    var summary = await TimeRequestsAsync(api, $"/api/v1/summary?from={week:yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}", loads);
    var dependencies = await TimeRequestsAsync(api, "/api/v1/dependencies", loads);
    Console.WriteLine($"  {"API: this week's summary (reference)",-50} {summary,15}");
    Console.WriteLine($"  {"API: the dependency map (reference)",-50} {dependencies,15}");
}

// 3. Server memory per open circuit: the dashboard's live managed heap (after a full collection) and
// its resident memory, with no tab open, then with BENCH_TABS tabs on the weekly review, each interactive.
await visits.CloseAllAsync();
var idle = await SettledResidentBytesAsync(dashboard);
var idleHeap = await GcHeap.LiveBytesAsync(dashboard.ProcessId);
int open;
try
{
    open = await visits.OpenInteractiveTabsAsync("/", tabs);
}
catch (TimeoutException e)
{
    Console.WriteLine($"{e.Message}; the dashboard's last output:{Environment.NewLine}{dashboard.RecentOutput}");
    throw;
}

var busy = await SettledResidentBytesAsync(dashboard);
var busyHeap = await GcHeap.LiveBytesAsync(dashboard.ProcessId);
Console.WriteLine($"Server memory with no tab open (reference) and with {open} interactive tabs on the weekly review:");
Console.WriteLine($"  live managed heap: {idleHeap / 1048576.0:F1} MiB, then {busyHeap / 1048576.0:F1} MiB: {(busyHeap - idleHeap) / 1048576.0 / open:F2} MiB per circuit (goal: at most 2 MiB)");
Console.WriteLine($"  resident memory:   {idle / 1048576.0:F0} MiB, then {busy / 1048576.0:F0} MiB: {(busy - idle) / 1048576.0 / open:F2} MiB per circuit (moves with the collector's headroom)");
if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_HOLD_SECONDS"), CultureInfo.InvariantCulture, out var hold) && hold > 0)
{
    // Time to look inside the process (dotnet-gcdump, dotnet-counters) with the tabs still open.
    Console.WriteLine($"Holding the {open} tabs open for {hold} s: the dashboard is process {dashboard.ProcessId}");
    await Task.Delay(TimeSpan.FromSeconds(hold));
}

return 0;

static async Task<string?> NewestAnalyticsDatabaseAsync(string admin)
{
    await using var dataSource = NpgsqlDataSource.Create(admin);
    return (string?)await dataSource.CreateCommand(
        "SELECT datname FROM pg_database WHERE datname LIKE 'tollgate_bench_analytics_%' ORDER BY oid DESC LIMIT 1").ExecuteScalarAsync();
}

static async Task<Percentiles> TimeRequestsAsync(HttpClient api, string path, int count)
{
    var times = new List<double>();
    for (var i = 0; i < count + 3; i++)
    {
        var watch = Stopwatch.StartNew();
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        if (i >= 3)
        {
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
    }

    return Percentiles.Of(times);
}

// Resident memory once it stops moving: the median of five readings a second apart.
static async Task<long> SettledResidentBytesAsync(DashboardProcess dashboard)
{
    var readings = new List<long>();
    for (var i = 0; i < 5; i++)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        readings.Add(dashboard.ResidentBytes());
    }

    readings.Sort();
    return readings[2];
}
