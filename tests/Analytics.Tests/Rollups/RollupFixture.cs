using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Changes;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Analytics.Storage.Entities;
using Tollgate.Analytics.Tests.Pricing;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Rollups;

/// <summary>
/// Four requests in the hour from 10:00 on 2 November 2026, written through the span writer, with
/// two hand-made prices (USD per million tokens): testco/small-model 1 in, 2 out, tier small;
/// testco/big-model 10 in, 30 out, tier frontier. Every model call lasts exactly 1000 ms.
/// <list type="bullet">
/// <item>A (search/answers/acme, user u1, routed): root → agent span repeating its children's
/// usage (300 in / 30 out, provided cost 0.009: shown, not billed) → two small-model calls:
/// 1000 in + 500 out = 0.002 and 2000 in + 1000 out = 0.004. Cost 0.006.</item>
/// <item>B (search/answers/globex): big-model call errors (500 in = 0.005), then a small-model
/// call under the same parent (500 in + 100 out = 0.0007): a fallback. Cost 0.0057.</item>
/// <item>C (support/triage/acme): served from cache, no model call. Cost 0.</item>
/// <item>D (support/triage/initech): small-model call errors (100 in = 0.0001), the same model
/// again (100 in + 50 out = 0.0002): a retry. Cost 0.0003.</item>
/// </list>
/// </summary>
internal sealed class RollupFixture : IAsyncDisposable
{
    public static readonly DateTime Hour = new(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);

    private RollupFixture(TestDatabase database, NpgsqlDataSource dataSource)
    {
        Database = database;
        DataSource = dataSource;
        Prices = new PriceStore(dataSource);
        Writer = new SpanWriter(dataSource, new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance), NullLogger<SpanWriter>.Instance);
        Rollups = new RollupService(dataSource, Prices);
        Runner = new RollupRunner([Rollups], new IngestWatermark(dataSource), new DataChangeNotices(dataSource, NullLogger<DataChangeNotices>.Instance), NullLogger<RollupRunner>.Instance);
    }

    public TestDatabase Database { get; }
    public NpgsqlDataSource DataSource { get; }
    public PriceStore Prices { get; }
    public SpanWriter Writer { get; }
    public RollupService Rollups { get; }
    public RollupRunner Runner { get; }

    /// <summary>A pass of the rollup job: the hours touched since the last pass.</summary>
    public Task<RollupResult> RollUpAsync() => Runner.RunAsync(Rollups);
    public Price Small { get; private set; } = null!;
    public Price Big { get; private set; } = null!;

    public static QueryWindow TheHour => QueryWindow.Create(Hour, Hour.AddHours(1));

    public static async Task<RollupFixture> CreateAsync()
    {
        var database = await TestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await database.ExecuteAsync("INSERT INTO projects (name) VALUES ('default')");
        var fixture = new RollupFixture(database, dataSource);
        fixture.Small = await fixture.Prices.AddAsync(Priced("small-model", 1m, 2m, PriceTiers.Small), "test");
        fixture.Big = await fixture.Prices.AddAsync(Priced("big-model", 10m, 30m, PriceTiers.Frontier), "test");
        return fixture;
    }

    public IReadOnlyList<SpanRecord> TraceA() =>
    [
        Root(1, 1, "search", "answers", "acme", user: "u1", routed: true),
        Agent(1, 2, parent: 1),
        Call(1, 3, parent: 2, Small, input: 1000, output: 500, offsetSeconds: 1),
        Call(1, 4, parent: 2, Small, input: 2000, output: 1000, offsetSeconds: 3),
    ];

    public IReadOnlyList<SpanRecord> TraceB() =>
    [
        Root(2, 1, "search", "answers", "globex"),
        Call(2, 2, parent: 1, Big, input: 500, output: 0, offsetSeconds: 1, error: true),
        Call(2, 3, parent: 1, Small, input: 500, output: 100, offsetSeconds: 3),
    ];

    public static IReadOnlyList<SpanRecord> TraceC()
    {
        var root = Root(3, 1, "support", "triage", "acme");
        root.CacheHit = true;
        return [root];
    }

    public IReadOnlyList<SpanRecord> TraceD() =>
    [
        Root(4, 1, "support", "triage", "initech"),
        Call(4, 2, parent: 1, Small, input: 100, output: 0, offsetSeconds: 1, error: true),
        Call(4, 3, parent: 1, Small, input: 100, output: 50, offsetSeconds: 3),
    ];

    /// <summary>An evaluator span (OpenInference EVALUATOR) under <paramref name="parent"/>: no model, not billed.</summary>
    public static SpanRecord Evaluator(int trace, int id, int parent)
    {
        var span = Span(trace, id, parent, "evaluate relevance", Hour.AddSeconds(4), TimeSpan.FromMilliseconds(200));
        span.Operation = "evaluator";
        return span;
    }

    public async Task WriteAllAsync()
    {
        await Writer.WriteAsync([.. TraceA(), .. TraceB()]);
        await Writer.WriteAsync([.. TraceC(), .. TraceD()]);
    }

    public static SpanRecord Call(int trace, int id, int? parent, Price price, long input, long output, int offsetSeconds, bool error = false, DateTime? hour = null)
    {
        var span = Span(trace, id, parent, "chat " + price.Model, (hour ?? Hour).AddSeconds(offsetSeconds), TimeSpan.FromMilliseconds(1000));
        span.Operation = "chat";
        span.IsInference = true;
        span.Provider = price.Provider;
        span.Model = price.Model;
        span.InputTokens = input;
        span.OutputTokens = output;
        span.ComputedCostUsd = CostFormula.Compute(new TokenUsage(input, output, null, null, null), price);
        span.CostSource = "computed";
        span.PriceId = price.Id;
        span.StatusCode = error ? RollupSpan.ErrorStatus : (short)1;
        return span;
    }

    public async Task<string> DumpRollupsAsync()
    {
        var parts = new List<string>();
        foreach (var table in new[] { "rollup_spans_hourly", "rollup_spans_daily", "rollup_features_hourly", "rollup_features_daily", "rollup_traces_hourly", "rollup_traces_daily", "rollup_keys_hourly", "rollup_keys_daily" })
        {
            parts.Add(await Database.ScalarAsync<string>($"SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM {table} t") ?? "");
        }

        return string.Join("\n", parts);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static Price Priced(string model, decimal input, decimal output, string tier)
    {
        var price = TestPrices.Make("testco", model, input, output, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), PriceOrigins.Custom);
        price.Tier = tier;
        return price;
    }

    public static SpanRecord Root(int trace, int id, string team, string feature, string customer, string? user = null, bool routed = false)
    {
        var span = Span(trace, id, null, "request", Hour, TimeSpan.FromSeconds(5));
        span.Team = team;
        span.Feature = feature;
        span.Customer = customer;
        span.UserId = user;
        span.RouteDecision = routed ? "small-model" : null;
        span.AttributionExplicit = Attribution.Team | Attribution.Feature | Attribution.Customer;
        span.Service = "gateway";
        return span;
    }

    /// <summary>A router's span under <paramref name="parent"/> carrying the routing decision; not billed itself.</summary>
    public static SpanRecord Router(int trace, int id, int parent)
    {
        var span = Span(trace, id, parent, "route", Hour.AddMilliseconds(200), TimeSpan.FromSeconds(3));
        span.RouteDecision = "small-model";
        return span;
    }

    private static SpanRecord Agent(int trace, int id, int parent)
    {
        var span = Span(trace, id, parent, "invoke_agent planner", Hour.AddMilliseconds(500), TimeSpan.FromSeconds(4));
        span.Operation = "invoke_agent";
        span.InputTokens = 300;
        span.OutputTokens = 30;
        span.ProvidedCostUsd = 0.009m;
        span.CostSource = "provided";
        return span;
    }

    private static SpanRecord Span(int trace, int id, int? parent, string name, DateTime start, TimeSpan duration) => new()
    {
        ProjectId = 1,
        TraceId = TraceId(trace),
        SpanId = SpanId(id),
        ParentSpanId = parent is { } p ? SpanId(p) : null,
        Name = name,
        Kind = 1,
        Service = "assistant",
        StartTime = start,
        EndTime = start + duration,
    };

    private static byte[] TraceId(int n)
    {
        var id = new byte[16];
        id[0] = 0x7A;
        id[15] = (byte)n;
        return id;
    }

    private static byte[] SpanId(int n)
    {
        var id = new byte[8];
        id[0] = 0x5B;
        id[7] = (byte)n;
        return id;
    }
}
