using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Spans;

public sealed class TraceSearchTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private TollgateDbContext _db = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var writer = new SpanWriter(_dataSource, new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance), NullLogger<SpanWriter>.Instance);
        // Trace 1 (search team, acme): root + chat 0.30 + failed tool. Trace 2 (search, globex): root + chat 0.05.
        // Trace 3 (billing team): root + chat 1.20, an hour later.
        await writer.WriteAsync(
        [
            Root(1, T0, "search", "acme"), Chat(1, 2, T0.AddSeconds(1), 0.30m, "gpt-4o"), Tool(1, 3, T0.AddSeconds(2), error: true),
            Root(2, T0.AddMinutes(10), "search", "globex"), Chat(2, 2, T0.AddMinutes(10).AddSeconds(1), 0.05m, "gpt-4o-mini"),
            Root(3, T0.AddHours(1), "billing", "acme"), Chat(3, 2, T0.AddHours(1).AddSeconds(1), 1.20m, "gpt-4o"),
        ]);
        _db = new TollgateDbContext(new DbContextOptionsBuilder<TollgateDbContext>().UseNpgsql(_dataSource).Options);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Traces_come_newest_first_with_their_root_attribution_models_and_billing_cost()
    {
        var page = await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1) });

        page.Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 3, 2, 1 });
        var first = page.Traces[2];
        first.RootName.ShouldBe("POST /answer");
        first.Team.ShouldBe("search");
        first.Customer.ShouldBe("acme");
        first.Models.ShouldBe(["gpt-4o"]);
        first.CostUsd.ShouldBe(0.30m);
        first.Spans.ShouldBe(3);
        first.Errors.ShouldBe(1);
        page.HasMore.ShouldBeFalse();
    }

    [Fact]
    public async Task Filters_combine_team_customer_model_errors_and_cost()
    {
        (await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1), Team = "search" })).Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 2, 1 });
        (await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1), Customer = "acme" })).Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 3, 1 });
        (await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1), Model = "gpt-4o-mini" })).Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 2 });
        (await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1), ErrorsOnly = true })).Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 1 });
        // Strictly above 0.30: only trace 3 (1.20); trace 1 costs exactly 0.30.
        (await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1), MinCostUsd = 0.30m })).Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 3 });
        (await Search(new TraceFilter { FromUtc = T0, ToUtc = T0.AddMinutes(30) })).Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 2, 1 });
    }

    [Fact]
    public async Task Pages_are_bounded_and_say_whether_more_follow()
    {
        var first = await _db.Spans.CountAsync();
        first.ShouldBe(7);
        var query = new SpanQuery(_db);

        var page1 = await query.SearchTracesAsync(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1) }, offset: 0, pageSize: 2);
        var page2 = await query.SearchTracesAsync(new TraceFilter { FromUtc = T0, ToUtc = T0.AddDays(1) }, offset: 2, pageSize: 2);

        page1.Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 3, 2 });
        page1.HasMore.ShouldBeTrue();
        page2.Traces.Select(t => t.TraceId[0]).ShouldBe(new byte[] { 1 });
        page2.HasMore.ShouldBeFalse();
    }

    private Task<TracePage> Search(TraceFilter filter) => new SpanQuery(_db).SearchTracesAsync(filter, 0, 50);

    private static SpanRecord Root(byte trace, DateTime start, string team, string customer)
    {
        var span = Span(trace, 1, null, start, "POST /answer");
        span.Team = team;
        span.Customer = customer;
        span.AttributionExplicit = Attribution.Team | Attribution.Customer;
        span.EndTime = start.AddSeconds(5);
        return span;
    }

    private static SpanRecord Chat(byte trace, byte id, DateTime start, decimal cost, string model)
    {
        var span = Span(trace, id, 1, start, "chat");
        span.IsInference = true;
        span.Operation = "chat";
        span.Model = model;
        span.InputTokens = 100;
        span.ComputedCostUsd = cost;
        span.CostSource = "computed";
        return span;
    }

    private static SpanRecord Tool(byte trace, byte id, DateTime start, bool error)
    {
        var span = Span(trace, id, 1, start, "tool");
        span.StatusCode = error ? (short)2 : (short)0;
        return span;
    }

    private static SpanRecord Span(byte trace, byte id, byte? parent, DateTime start, string name) => new()
    {
        ProjectId = 1,
        TraceId = Enumerable.Repeat(trace, 16).ToArray(),
        SpanId = Enumerable.Repeat(id, 8).ToArray(),
        ParentSpanId = parent is { } p ? Enumerable.Repeat(p, 8).ToArray() : null,
        Name = name,
        StartTime = start,
        EndTime = start.AddSeconds(1),
    };
}
