using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Storage;

// Times the dependency rollup and the span rollups of one busy hour, the map and the organisation
// figures read from them, beside a plain scan of the same spans measured in the same run.
// Usage: bench/insights.sh (a throwaway PostgreSQL), or
// dotnet run -c Release --project bench/Insights.Benchmark -- <superuser connection string>
// BENCH_TRACES sets the traces in the hour (default 50000). The benchmark database is dropped afterwards.
var traces = int.Parse(Environment.GetEnvironmentVariable("BENCH_TRACES") ?? "50000", CultureInfo.InvariantCulture);
var admin = args.FirstOrDefault()
    ?? throw new InvalidOperationException("Pass a PostgreSQL superuser connection string (bench/insights.sh does).");
var name = $"tollgate_bench_insights_{Environment.ProcessId}";
await ExecuteAsync(admin, $"CREATE DATABASE {name}");
try
{
    var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
    var hour = new DateTime(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);
    await new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance).EnsureAsync(hour, hour.AddHours(1));

    // Six spans per trace: gateway → agent → (chat on one of three models, tool → database), plus a second chat.
    await ExecuteAsync(connectionString, $"""
        INSERT INTO spans (project_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, end_time, status_code,
                           operation, provider, model, provided_cost_usd, billing, agent, tool, attributes)
        SELECT 1, decode(lpad(to_hex(t), 32, '0'), 'hex'), decode(lpad(to_hex(s), 16, '0'), 'hex'),
               CASE s WHEN 1 THEN NULL WHEN 2 THEN decode(lpad(to_hex(1), 16, '0'), 'hex') WHEN 6 THEN decode(lpad(to_hex(4), 16, '0'), 'hex')
                      ELSE decode(lpad(to_hex(2), 16, '0'), 'hex') END,
               CASE WHEN s = 1 THEN 'gateway' ELSE 'agents' END, 'work', 1,
               '{hour:O}'::timestamptz + (t % 3600) * interval '1 second' + s * interval '10 milliseconds',
               '{hour:O}'::timestamptz + (t % 3600) * interval '1 second' + s * interval '10 milliseconds' + (t % 900 + 10) * interval '1 millisecond',
               CASE WHEN t % 50 = 0 THEN 2 ELSE 0 END,
               CASE WHEN s IN (3, 5) THEN 'chat' END, CASE WHEN s IN (3, 5) THEN 'openai' END,
               CASE WHEN s IN (3, 5) THEN (ARRAY['gpt-4o', 'gpt-4o-mini', 'o3'])[t % 3 + 1] END,
               CASE WHEN s IN (3, 5) THEN 0.001 END, s IN (3, 5),
               CASE WHEN s >= 2 THEN (ARRAY['planner', 'writer'])[t % 2 + 1] END, CASE WHEN s = 4 THEN 'search' END,
               CASE WHEN s = 6 THEN jsonb_build_object('db.system', 'postgresql')::text END
        FROM generate_series(1, {traces}) AS t, generate_series(1, 6) AS s
        """);
    await ExecuteAsync(connectionString, "ANALYZE spans");
    var spans = traces * 6;

    var scan = await TimeAsync(() => ExecuteAsync(connectionString,
        $"SELECT count(*), count(DISTINCT trace_id), sum(provided_cost_usd) FROM spans WHERE start_time >= '{hour:O}' AND start_time < '{hour.AddHours(1):O}'"));
    var rollup = await TimeAsync(() => new DependencyRollup(dataSource).RecomputeHoursAsync(null, hour, hour.AddHours(1)));
    var rollups = new RollupService(dataSource, new PriceStore(dataSource));
    var spanRollup = await TimeAsync(() => rollups.RecomputeAsync(hour, hour.AddHours(1)));
    var window = new QueryWindow(hour, hour.AddHours(1));
    var map = await TimeAsync(() => new DependencyMap(dataSource).LoadAsync(window));
    var figures = await TimeAsync(() => new OrganisationFiguresLoader(dataSource).LoadAsync(window));

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spans in the hour:              {spans:N0} ({traces:N0} traces)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference: plain scan of them   {scan.TotalMilliseconds,8:N0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dependency rollup of the hour   {rollup.TotalMilliseconds,8:N0} ms ({spans / rollup.TotalSeconds:N0} spans/s)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"span rollups of the hour        {spanRollup.TotalMilliseconds,8:N0} ms ({spans / spanRollup.TotalSeconds:N0} spans/s)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dependency map from the rollup  {map.TotalMilliseconds,8:N0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"organisation figures (rollups)  {figures.TotalMilliseconds,8:N0} ms"));
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
}

static async Task<TimeSpan> TimeAsync(Func<Task> action)
{
    var watch = Stopwatch.StartNew();
    await action();
    return watch.Elapsed;
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
    await command.ExecuteNonQueryAsync();
}
