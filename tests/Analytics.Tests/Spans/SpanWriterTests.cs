using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Spans;

public sealed class SpanWriterTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private SpanWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        _writer = new SpanWriter(_dataSource, new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance), NullLogger<SpanWriter>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Resending_the_same_batch_changes_no_stored_value()
    {
        var trace = Ids.Trace(1);
        var batch = new[] { Chat(trace, 2, parent: 1, cost: 0.5m), Root(trace, 1, team: "search") };
        await _writer.WriteAsync(batch);
        var before = await DumpAsync();

        var again = await _writer.WriteAsync([Chat(trace, 2, parent: 1, cost: 0.5m), Root(trace, 1, team: "search")]);

        again.ShouldBe(new SpanWriteResult(0, 2, 0));
        (await DumpAsync()).ShouldBe(before);
        (await _database.ScalarAsync<decimal>("SELECT sum(provided_cost_usd) FROM spans WHERE billing")).ShouldBe(0.5m);
    }

    [Fact]
    public async Task A_span_repeated_inside_one_batch_is_stored_once()
    {
        var trace = Ids.Trace(2);

        var result = await _writer.WriteAsync([Chat(trace, 2, parent: null, cost: 1m), Chat(trace, 2, parent: null, cost: 1m)]);

        result.ShouldBe(new SpanWriteResult(1, 1, 0));
        (await _database.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(1);
    }

    [Fact]
    public async Task A_root_arriving_after_its_children_attributes_the_children_already_stored()
    {
        var trace = Ids.Trace(3);
        await _writer.WriteAsync([Chat(trace, 3, parent: 2, cost: 1m), Chat(trace, 4, parent: 2, cost: 1m)]);
        await _writer.WriteAsync([Span(trace, 2, parent: 1, "invoke_agent planner")]);

        var result = await _writer.WriteAsync([Root(trace, 1, team: "growth", feature: "summaries", customer: "acme")]);

        result.Corrected.ShouldBe(3);
        (await _database.ScalarAsync<string>("SELECT string_agg(DISTINCT team || '/' || feature || '/' || customer, ',') FROM spans"))
            .ShouldBe("growth/summaries/acme");
    }

    [Fact]
    public async Task A_span_stored_by_another_writer_between_lookup_and_COPY_is_counted_once_as_a_duplicate()
    {
        var trace = Ids.Trace(40);
        await new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance).EnsureAsync(T0, T0.AddHours(1));
        // Another writer's transaction holds the span, not yet committed: our lookup cannot see it,
        // so our COPY waits on the primary key until that transaction ends.
        await using var other = await _dataSource.OpenConnectionAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        var theirs = Chat(trace, 2, parent: null, cost: 1m);
        theirs.Billing = true;
        await SpanColumns.CopyAsync(other, [theirs], CancellationToken.None);

        var write = _writer.WriteAsync([Chat(trace, 2, parent: null, cost: 1m), Chat(trace, 3, parent: null, cost: 2m)]);
        await Eventually.TrueAsync(async () => await _database.SessionsWaitingOnLocksAsync() > 0, TimeSpan.FromSeconds(60), "Our COPY waiting on the other writer's row");
        await otherTransaction.CommitAsync();

        // The COPY is refused (unique violation), and the second pass sees the span as stored.
        (await write).ShouldBe(new SpanWriteResult(1, 1, 0));
        (await _database.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(2);
        (await _database.ScalarAsync<decimal>("SELECT sum(provided_cost_usd) FROM spans WHERE billing")).ShouldBe(3m);
    }

    [Fact]
    public async Task A_descendant_that_sets_its_own_team_keeps_it_and_passes_it_down()
    {
        var trace = Ids.Trace(4);
        var child = Span(trace, 2, parent: 1, "call other service");
        child.Team = "platform";
        child.AttributionExplicit = Attribution.Team;

        await _writer.WriteAsync([Chat(trace, 3, parent: 2, cost: 1m), child, Root(trace, 1, team: "growth")]);

        (await TeamOfAsync(3)).ShouldBe("platform");
        (await TeamOfAsync(2)).ShouldBe("platform");
        (await TeamOfAsync(1)).ShouldBe("growth");
    }

    [Fact]
    public async Task Usage_repeated_on_an_agent_span_is_shown_but_not_billed_whichever_arrives_first()
    {
        var early = Ids.Trace(5);
        await _writer.WriteAsync([Usage(Span(early, 1, parent: null, "invoke_agent planner"), 2m)]);
        await _writer.WriteAsync([Chat(early, 2, parent: 1, cost: 2m)]);

        var late = Ids.Trace(6);
        await _writer.WriteAsync([Chat(late, 2, parent: 1, cost: 2m)]);
        await _writer.WriteAsync([Usage(Span(late, 1, parent: null, "invoke_agent planner"), 2m)]);

        (await _database.ScalarAsync<decimal>("SELECT sum(provided_cost_usd) FROM spans WHERE billing")).ShouldBe(4m);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM spans WHERE NOT billing AND provided_cost_usd IS NOT NULL")).ShouldBe(2);
    }

    [Fact]
    public async Task A_library_inference_span_around_the_SDKs_own_span_of_the_same_call_bills_once_whichever_arrives_first()
    {
        var early = Ids.Trace(8);
        await _writer.WriteAsync([Chat(early, 1, parent: null, cost: 2m)]);
        await _writer.WriteAsync([Chat(early, 2, parent: 1, cost: 2m)]);
        var late = Ids.Trace(9);
        await _writer.WriteAsync([Chat(late, 2, parent: 1, cost: 2m)]);
        await _writer.WriteAsync([Chat(late, 1, parent: null, cost: 2m)]);

        (await _database.ScalarAsync<string>($"SELECT string_agg(billing::text, ',' ORDER BY trace_id, span_id) FROM spans WHERE trace_id IN ('\\x{Convert.ToHexString(early)}', '\\x{Convert.ToHexString(late)}')"))
            .ShouldBe("false,true,false,true", "the outer span of each trace is shown, not billed");
        (await _database.ScalarAsync<decimal>("SELECT sum(provided_cost_usd) FROM spans WHERE billing")).ShouldBe(4m);
    }

    [Fact]
    public async Task Spans_of_a_trace_reporting_the_same_response_bill_once_whichever_arrives_first()
    {
        // A chat span and, beside it, the span that fetched the same background response, both with usage.
        SpanRecord[] Spans(byte[] trace)
        {
            var chat = Chat(trace, 2, parent: 1, cost: 2m);
            chat.ResponseId = "resp_1";
            var fetch = Usage(Span(trace, 3, parent: 1, "fetch_response"), 2m);
            fetch.ResponseId = "resp_1";
            // Another call of the same trace keeps its own bill.
            var other = Chat(trace, 4, parent: 1, cost: 1m);
            other.ResponseId = "resp_2";
            return [Span(trace, 1, parent: null, "request"), chat, fetch, other];
        }

        var inOrder = Spans(Ids.Trace(11));
        await _writer.WriteAsync(inOrder);
        var reversed = Spans(Ids.Trace(12));
        await _writer.WriteAsync([reversed[3], reversed[2]]);
        await _writer.WriteAsync([reversed[1], reversed[0]]);

        (await _database.ScalarAsync<string>("SELECT string_agg(billing::text, ',' ORDER BY trace_id, span_id) FROM spans"))
            .ShouldBe("false,true,false,true,false,true,false,true", "the earlier of the two reports bills, in both traces");
        (await _database.ScalarAsync<decimal>("SELECT sum(provided_cost_usd) FROM spans WHERE billing")).ShouldBe(6m);
    }

    [Fact]
    public async Task A_span_with_usage_and_no_usage_below_it_bills_even_without_an_inference_operation()
    {
        var trace = Ids.Trace(7);

        await _writer.WriteAsync([Usage(Span(trace, 1, parent: null, "workflow"), 3m), Span(trace, 2, parent: 1, "tool")]);

        (await _database.ScalarAsync<bool>($"SELECT billing FROM spans WHERE span_id = '\\x{Convert.ToHexString(Ids.Span(1))}'")).ShouldBeTrue();
    }

    private async Task<string?> TeamOfAsync(int span) =>
        await _database.ScalarAsync<string>($"SELECT team FROM spans WHERE span_id = '\\x{Convert.ToHexString(Ids.Span(span))}'");

    private async Task<string> DumpAsync() =>
        (await _database.ScalarAsync<string>("SELECT string_agg(t::text, '|' ORDER BY span_id) FROM (SELECT * FROM spans) t"))!;

    private static SpanRecord Span(byte[] trace, int id, int? parent, string name) => new()
    {
        ProjectId = 1,
        TraceId = trace,
        SpanId = Ids.Span(id),
        ParentSpanId = parent is { } p ? Ids.Span(p) : null,
        Name = name,
        Kind = 1,
        StartTime = T0.AddSeconds(id),
        EndTime = T0.AddSeconds(id + 1),
    };

    private static SpanRecord Root(byte[] trace, int id, string? team = null, string? feature = null, string? customer = null)
    {
        var span = Span(trace, id, parent: null, "request");
        span.Team = team;
        span.Feature = feature;
        span.Customer = customer;
        span.AttributionExplicit = (team is null ? 0 : Attribution.Team) | (feature is null ? 0 : Attribution.Feature) | (customer is null ? 0 : Attribution.Customer);
        return span;
    }

    private static SpanRecord Chat(byte[] trace, int id, int? parent, decimal cost)
    {
        var span = Usage(Span(trace, id, parent, "chat gpt-4o"), cost);
        span.Operation = "chat";
        span.IsInference = true;
        return span;
    }

    private static SpanRecord Usage(SpanRecord span, decimal cost)
    {
        span.InputTokens = 100;
        span.OutputTokens = 10;
        span.ProvidedCostUsd = cost;
        span.CostSource = "provided";
        return span;
    }
}

internal static class Ids
{
    public static byte[] Trace(int n)
    {
        var id = new byte[16];
        id[0] = 0xAB;
        BitConverter.TryWriteBytes(id.AsSpan(8), (long)n);
        return id;
    }

    public static byte[] Span(int n)
    {
        var id = new byte[8];
        id[0] = 0xCD;
        id[7] = (byte)n;
        return id;
    }
}
