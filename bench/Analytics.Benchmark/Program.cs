using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Benchmark;
using Tollgate.Analytics.Changes;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;

// Analytics benchmark: generates spans over a period straight into the span table (binary COPY),
// rolls all of it up (the metric rollups and the dependency edges), then measures the p95 latency
// of the summary, spend, feature P&L, orchestration, dependency map and maturity queries over the
// last 30 days next to reference queries measured in the same run.
// Usage: dotnet run -c Release --project bench/Analytics.Benchmark -- <admin connection string>
// (bench/analytics.sh starts a throwaway PostgreSQL and passes it.)
// Settings: BENCH_SPANS (10000000), BENCH_DAYS (90), BENCH_RUNS (50), BENCH_KEEP_DB (0), and
// BENCH_REUSE_DB (a database an earlier run kept: measure its queries again, and with
// BENCH_REUSE_ROLLUP=1 its full rollups first).
var admin = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("TOLLGATE_BENCH_PG")
    ?? throw new InvalidOperationException("pass a PostgreSQL superuser connection string (or set TOLLGATE_BENCH_PG); bench/analytics.sh does");
var spanTarget = long.Parse(Environment.GetEnvironmentVariable("BENCH_SPANS") ?? "10000000", CultureInfo.InvariantCulture);
var days = int.Parse(Environment.GetEnvironmentVariable("BENCH_DAYS") ?? "90", CultureInfo.InvariantCulture);
var runs = int.Parse(Environment.GetEnvironmentVariable("BENCH_RUNS") ?? "50", CultureInfo.InvariantCulture);
const int CopyGroup = 200_000;
// A slow query stops after five runs or this long, whichever is later.
var measureBudget = TimeSpan.FromSeconds(30);

var reuse = Environment.GetEnvironmentVariable("BENCH_REUSE_DB");
var name = reuse ?? $"tollgate_bench_analytics_{Environment.ProcessId}";
if (reuse is null)
{
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    await new NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
try
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
    var prices = new PriceStore(dataSource);
    if (reuse is not null)
    {
        // The run that wrote the data noted where it ends on the database.
        var end = DateTime.UnixEpoch.AddSeconds(await Scalar(dataSource, "SELECT shobj_description(oid, 'pg_database')::bigint FROM pg_database WHERE datname = current_database()"));
        if (Environment.GetEnvironmentVariable("BENCH_REUSE_ROLLUP") == "1")
        {
            // Every hour again, from no watermark (replacing the rows an earlier run wrote).
            await Execute(dataSource, "DELETE FROM rollup_state WHERE name = 'rollups'");
            await MeasureFullRollupsAsync(dataSource, prices, end, await Scalar(dataSource, "SELECT count(*) FROM spans") / (double)(days * 24));
        }

        await MeasureQueriesAsync(dataSource, end);
        return;
    }

    await Execute(dataSource, "INSERT INTO projects (name) VALUES ('default')");
    await prices.SeedAsync();
    var to = DateTime.UtcNow.Date;
    await Execute(dataSource, $"COMMENT ON DATABASE {name} IS '{(long)(to - DateTime.UnixEpoch).TotalSeconds}'");
    var from = to.AddDays(-days);
    await new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance).EnsureAsync(from, to);

    // 1. Generate and COPY.
    Console.WriteLine($"Generating {spanTarget:N0} spans over {days} days ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})...");
    var generator = new TrafficGenerator(await prices.LoadCatalogueAsync(), from, to);
    var watch = Stopwatch.StartNew();
    long written = 0;
    var batch = new List<SpanRecord>(CopyGroup + 16);
    while (written < spanTarget)
    {
        batch.Clear();
        while (batch.Count < CopyGroup && written + batch.Count < spanTarget)
        {
            generator.AddTrace(batch);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await SpanColumns.CopyAsync(connection, batch, CancellationToken.None);
        await transaction.CommitAsync();
        written += batch.Count;
    }

    Console.WriteLine($"  {written:N0} spans generated and written in {watch.Elapsed.TotalSeconds:F1} s ({written / watch.Elapsed.TotalSeconds:N0} spans/s)");
    await Execute(dataSource, "ANALYZE spans");

    var runner = await MeasureFullRollupsAsync(dataSource, prices, to, written / (double)(days * 24));
    await RollupPasses.MeasureAsync(dataSource, generator, runner, to, runs);
    foreach (var table in new[] { "rollup_spans_hourly", "rollup_spans_daily", "rollup_features_daily", "rollup_traces_daily", "rollup_keys_daily", "dependency_edges_hourly" })
    {
        Console.WriteLine($"  {table}: {await Scalar(dataSource, $"SELECT count(*) FROM {table}"):N0} rows");
    }

    await MeasureQueriesAsync(dataSource, to);
}
finally
{
    if (reuse is null && Environment.GetEnvironmentVariable("BENCH_KEEP_DB") != "1")
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }
}

// 2. Roll everything up, as the first run of the rollup job on an existing database does.
async Task<RollupRunner> MeasureFullRollupsAsync(NpgsqlDataSource dataSource, PriceStore prices, DateTime to, double spansPerHour)
{
    var rollups = new RollupService(dataSource, prices);
    var dependencies = new DependencyRollup(dataSource);
    var runner = new RollupRunner([rollups, dependencies], new IngestWatermark(dataSource), new DataChangeNotices(dataSource, NullLogger<DataChangeNotices>.Instance), NullLogger<RollupRunner>.Instance);
    var watch = Stopwatch.StartNew();
    var result = await runner.RunAsync(rollups);
    var rollupSeconds = watch.Elapsed.TotalSeconds;
    // Autovacuum would do this shortly after the rollup in a running system; index-only scans of
    // the rollups need the visibility map it sets.
    await Execute(dataSource, "VACUUM ANALYZE");
    Console.WriteLine($"Rollup of {result.Hours:N0} hours: {rollupSeconds:F1} s, {rollupSeconds * 1000 / result.Hours:F1} ms per hour of data "
        + $"({spansPerHour:N0} spans an hour), {result.RowsWritten:N0} hourly rows");
    // The dependency rollup reads each hour's traces with their reach around it, so it is slower
    // per hour than the metric rollups; it runs over the last 31 days, enough for the 30-day window.
    var dependencyFrom = to.AddHours(-DependencyRollup.MaxHoursPerCall);
    watch.Restart();
    await dependencies.RecomputeAsync(dependencyFrom, to, CancellationToken.None);
    var hours = DependencyRollup.MaxHoursPerCall;
    var dependencySeconds = watch.Elapsed.TotalSeconds;
    await Execute(dataSource, "ANALYZE dependency_edges_hourly");
    Console.WriteLine($"Dependency rollup of {hours:N0} hours: {dependencySeconds:F1} s, {dependencySeconds * 1000 / hours:F1} ms per hour of data");
    // Reference: the last day again, one hour per call, as the rollup ran before it read a day at once.
    watch.Restart();
    for (var hour = to.AddDays(-1); hour < to; hour = hour.AddHours(1))
    {
        await dependencies.RecomputeHoursAsync(null, hour, hour.AddHours(1));
    }

    Console.WriteLine($"  reference: the last day's hours one call each: {watch.Elapsed.TotalMilliseconds / 24:F1} ms per hour of data");
    return runner;
}

// 3. Query latency over the last 30 days before to (a window with partial days at both edges, the worst case).
async Task MeasureQueriesAsync(NpgsqlDataSource dataSource, DateTime to)
{
    var prices = new PriceStore(dataSource);
    var window = QueryWindow.Create(to.AddDays(-30).AddHours(5), to.AddHours(-3));
    var summary = new SummaryQuery(dataSource);
    var spend = new SpendQuery(dataSource);
    var pnl = new FeaturePnlQuery(dataSource);
    var orchestration = new OrchestrationQuery(dataSource, prices, TimeProvider.System);
    var map = new DependencyMap(dataSource);
    var debt = new DebtLoader(dataSource, map);
    var figures = new OrganisationFiguresLoader(dataSource);
    var insightWindow = new QueryWindow(window.From, window.To);
    Console.WriteLine($"Query latency over {window.From:yyyy-MM-dd HH:mm} to {window.To:yyyy-MM-dd HH:mm}, {runs} runs each (p50 / p95):");
    await Measure("reference: SELECT 1 round trip", () => Scalar(dataSource, "SELECT 1"));
    // The full-detail rollup (every dimension) read the way the queries read theirs: daily rows
    // for whole days, hourly rows at the edges. The queries read narrower tables than this.
    var (dayFrom, dayTo) = (window.From.Date.AddDays(1), window.To.Date);
    await Measure("reference: count(*) of the window's full-detail rollup rows", () => Scalar(dataSource,
        $"SELECT (SELECT count(*) FROM rollup_spans_daily WHERE bucket >= '{dayFrom:o}' AND bucket < '{dayTo:o}') "
        + $"+ (SELECT count(*) FROM rollup_spans_hourly WHERE (bucket >= '{window.From:o}' AND bucket < '{dayFrom:o}') OR (bucket >= '{dayTo:o}' AND bucket < '{window.To:o}'))"));
    await Measure("GET /api/v1/summary (SummaryQuery)", () => summary.GetAsync(window, new SummaryFilter()));
    await Measure("GET /api/v1/summary?team=search", () => summary.GetAsync(window, new SummaryFilter(Team: "search")));
    await Measure("GET /api/v1/spend?groupBy=feature (SpendQuery)", () => spend.GetAsync(window, "feature"));
    await Measure("GET /api/v1/spend?groupBy=user", () => spend.GetAsync(window, "user"));
    await Measure("GET /api/v1/features/pnl (FeaturePnlQuery)", () => pnl.GetAsync(window));
    await Measure("GET /api/v1/orchestration (OrchestrationQuery)", () => orchestration.GetAsync(window));
    await Measure("GET /api/v1/dependencies (DependencyMap)", () => map.LoadAsync(insightWindow));
    await Measure("GET /api/v1/dependencies/debt (DebtLoader)", () => debt.LoadAsync(insightWindow));
    await Measure("GET /api/v1/maturity, /benchmarks (OrganisationFiguresLoader)", () => figures.LoadAsync(insightWindow));
    var check = await summary.GetAsync(window, new SummaryFilter());
    Console.WriteLine($"  (30-day summary: {check.Requests:N0} requests, {check.CostUsd:N2} USD)");
}

async Task Measure<T>(string label, Func<Task<T>> query)
{
    await query();
    var times = new List<double>(runs);
    var budget = Stopwatch.StartNew();
    for (var i = 0; i < runs && (i < 5 || budget.Elapsed < measureBudget); i++)
    {
        var watch = Stopwatch.StartNew();
        await query();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(0.95 * times.Count) - 1)];
    var runsNote = times.Count < runs ? $" ({times.Count} runs)" : "";
    Console.WriteLine($"  {label,-62} {times[times.Count / 2],8:F1} ms {p95,8:F1} ms{runsNote}");
}

static async Task Execute(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

static async Task<long> Scalar(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}
