using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Tests.Insights;
using static Tollgate.Testing.TestSpans;

namespace Tollgate.Analytics.Tests.Dependencies;

public sealed class DependencyRollupTests : InsightsDatabaseTest
{
    private static readonly DateTime H10 = new(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task The_map_reads_hourly_edges_flags_a_new_one_and_recomputing_changes_nothing()
    {
        await WriteThreeTracesAsync();
        var rollup = new DependencyRollup(DataSource);

        var written = await rollup.RecomputeHoursAsync(Project, H10, H10.AddHours(3));
        var again = await rollup.RecomputeHoursAsync(Project, H10, H10.AddHours(3));
        var graph = await new DependencyMap(DataSource).LoadAsync(new QueryWindow(H10.AddHours(1), H10.AddHours(3), Project));

        // Hour 10: gateway → gpt-4o. Hour 11: gateway → gpt-4o, gateway → search. Hour 12: gateway → gpt-4o
        // (its call started at 12:00:01 under a root that started at 11:59:59).
        (written, again).ShouldBe((4, 4));
        (await Database.ScalarAsync<long>("SELECT count(*) FROM dependency_edges_hourly")).ShouldBe(4);
        graph.Edges.Count.ShouldBe(2);
        var model = graph.Edges.Single(e => e.Target == "model:openai/gpt-4o");
        // Two calls in the window ($0.25 + $0.125), first seen in hour 10, before the window: not new.
        // Both lasted 400 ms: log2(400)·4 = 34.58 → bucket 35 = [2^8.5, 2^8.75) ms, reported as 2^8.75 = 430.5 → 431 ms.
        model.ShouldBe(new MapEdge("service:gateway", "model:openai/gpt-4o", 2, 0, 0.375m, 431, H10.AddSeconds(2), false));
        var search = graph.Edges.Single(e => e.Target == "tool:search");
        // The tool call lasted 100 ms: bucket 27 = [2^6.5, 2^6.75) ms, reported as 2^6.75 = 107.6 → 108 ms.
        search.ShouldBe(new MapEdge("service:gateway", "tool:search", 1, 1, 0m, 108, H10.AddHours(1).AddSeconds(3), true));
        graph.Nodes.Select(n => (n.Id, n.Kind, n.Label, n.CallsIn)).ShouldBe(
        [
            ("model:openai/gpt-4o", "model", "openai/gpt-4o", 2L),
            ("service:gateway", "service", "gateway", 0L),
            ("tool:search", "tool", "search", 1L),
        ]);
    }

    [Fact]
    public async Task Whole_days_are_read_from_daily_rows_with_the_same_figures_as_the_hours()
    {
        await WriteThreeTracesAsync();
        var rollup = new DependencyRollup(DataSource);
        await rollup.RecomputeHoursAsync(null, H10, H10.AddHours(3));
        var map = new DependencyMap(DataSource);

        // 1 Nov 05:00 to 3 Nov 05:00: 2 Nov is a whole day (daily rows), the rest are hours.
        var days = await map.LoadAsync(new QueryWindow(H10.AddHours(-29), H10.AddHours(19), Project));
        var hours = await map.LoadAsync(new QueryWindow(H10, H10.AddHours(3), Project));

        (await Database.ScalarAsync<long>("SELECT count(*) FROM dependency_edges_daily WHERE day = '2026-11-02T00:00:00Z'")).ShouldBe(2);
        (await Database.ScalarAsync<long>("SELECT calls FROM dependency_edges_daily WHERE target_node = 'model:openai/gpt-4o'")).ShouldBe(3);
        days.Edges.Select(e => (e.Source, e.Target, e.Calls, e.Errors, e.CostUsd, e.P95Ms, e.FirstSeen)).ShouldBe(
            hours.Edges.Select(e => (e.Source, e.Target, e.Calls, e.Errors, e.CostUsd, e.P95Ms, e.FirstSeen)));
        days.Edges.Sum(e => e.Calls).ShouldBe(4);
    }

    [Fact]
    public async Task A_span_arriving_late_is_counted_when_its_hour_is_recomputed()
    {
        await WriteThreeTracesAsync();
        var rollup = new DependencyRollup(DataSource);
        await rollup.RecomputeHoursAsync(null, H10, H10.AddHours(1));

        await Writer.WriteAsync([Chat(Project, 1, 3, 1, "gateway", H10.AddSeconds(5), "openai", "gpt-4o", 0.5m)]);
        await rollup.RecomputeHoursAsync(null, H10, H10.AddHours(1));

        // Hour 10 now holds two gpt-4o calls: $0.50 + $0.50.
        (await Database.ScalarAsync<long>($"SELECT calls FROM dependency_edges_hourly WHERE hour = '{H10:O}'")).ShouldBe(2);
        (await Database.ScalarAsync<decimal>($"SELECT cost_usd FROM dependency_edges_hourly WHERE hour = '{H10:O}'")).ShouldBe(1.0m);
    }

    [Fact]
    public async Task The_debt_report_covers_every_trace_of_the_period_through_the_rollup()
    {
        var end = H10.AddDays(5);
        // Three days before the end: a trace whose error travels from a child up to its root.
        var oldRoot = Root(Project, 1, 1, "gateway", end.AddDays(-3));
        oldRoot.StatusCode = 2;
        var oldChild = Span(Project, 1, 2, 1, "search", end.AddDays(-3).AddSeconds(1));
        oldChild.StatusCode = 2;
        // In the last day: 2,001 more traces (more than a sample of the latest would have read).
        var recent = Enumerable.Range(0, 2_001).Select(i => Root(Project, 100 + i, 1, "gateway", end.AddHours(-12).AddSeconds(i)));
        await Writer.WriteAsync([oldRoot, oldChild, .. recent]);
        await new DependencyRollup(DataSource).RecomputeAsync(end.AddDays(-5), end, CancellationToken.None);
        var debt = new DebtLoader(DataSource, new DependencyMap(DataSource));

        var busy = await debt.LoadAsync(new QueryWindow(end.AddDays(-5), end, Project));
        var quiet = await debt.LoadAsync(new QueryWindow(end.AddDays(-5), end.AddDays(-1), Project));

        // Every trace counts, the older cascade among them.
        (busy.TracesExamined, busy.ErrorCascades.Count).ShouldBe((2_002L, 1L));
        busy.ErrorCascades.Examples.Select(e => (e.Origin, e.Depth)).ShouldBe([("search", 2)]);
        (quiet.TracesExamined, quiet.ErrorCascades.Count).ShouldBe((1L, 1L));
    }

    [Fact]
    public async Task A_flood_of_roots_sharing_one_trace_id_is_examined_as_one_trace()
    {
        var end = H10.AddDays(1);
        // 3,000 root spans of one trace id (what one careless or hostile sender can do), beside one ordinary trace.
        var flood = Enumerable.Range(0, 3_000).Select(i =>
        {
            var root = Root(Project, 7, 1, "flood", end.AddHours(-2).AddMilliseconds(i));
            BitConverter.TryWriteBytes(root.SpanId, 0x7100_0000_0000_0000L + i);
            return root;
        });
        await Writer.WriteAsync([.. flood, Root(Project, 8, 1, "gateway", end.AddHours(-3)), Span(Project, 8, 2, 1, "search", end.AddHours(-3).AddSeconds(1))]);
        await new DependencyRollup(DataSource).RecomputeAsync(end.AddDays(-1), end, CancellationToken.None);
        var debt = new DebtLoader(DataSource, new DependencyMap(DataSource));

        var report = await debt.LoadAsync(new QueryWindow(end.AddDays(-1), end, Project));

        report.TracesExamined.ShouldBe(2);
    }

    [Fact]
    public async Task A_trace_across_midnight_counts_its_call_in_the_next_day_and_its_shape_once_whatever_the_range()
    {
        var midnight = H10.Date.AddDays(1);
        // The root starts a second before midnight, its model call a second after it.
        await Writer.WriteAsync(
        [
            Root(Project, 1, 1, "gateway", midnight.AddSeconds(-1), ms: 5000),
            Chat(Project, 1, 2, 1, "gateway", midnight.AddSeconds(1), "openai", "gpt-4o", 0.5m),
        ]);
        var rollup = new DependencyRollup(DataSource);

        // Two days in one call, then each day alone: the same rows.
        await rollup.RecomputeHoursAsync(null, midnight.AddHours(-2), midnight.AddHours(2));
        var together = await EdgeAndDebtRowsAsync();
        await rollup.RecomputeHoursAsync(null, midnight.AddHours(-2), midnight);
        await rollup.RecomputeHoursAsync(null, midnight, midnight.AddHours(2));
        var apart = await EdgeAndDebtRowsAsync();

        together.ShouldBe("hourly 00:00 1, daily 1 on 11-03, debt 23:00 1");
        apart.ShouldBe(together);
    }

    private async Task<string?> EdgeAndDebtRowsAsync() => await Database.ScalarAsync<string>("""
        SELECT 'hourly ' || (SELECT string_agg(to_char(hour AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || calls, ', ') FROM dependency_edges_hourly)
            || ', daily ' || (SELECT string_agg(calls || ' on ' || to_char(day AT TIME ZONE 'UTC', 'MM-DD'), ', ') FROM dependency_edges_daily)
            || ', debt ' || (SELECT string_agg(to_char(hour AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || traces, ', ') FROM dependency_debt_hourly)
        """);

    [Fact]
    public async Task More_than_a_month_of_hours_per_call_is_refused()
    {
        var rollup = new DependencyRollup(DataSource);

        await Should.ThrowAsync<ArgumentException>(() => rollup.RecomputeHoursAsync(null, H10, H10.AddHours(DependencyRollup.MaxHoursPerCall + 1)));
    }

    private async Task WriteThreeTracesAsync()
    {
        var search = Span(Project, 2, 3, 1, "gateway", H10.AddHours(1).AddSeconds(3));
        search.Tool = "search";
        search.StatusCode = 2;
        await Writer.WriteAsync(
        [
            Root(Project, 1, 1, "gateway", H10.AddSeconds(1)),
            Chat(Project, 1, 2, 1, "gateway", H10.AddSeconds(2), "openai", "gpt-4o", 0.5m),
            Root(Project, 2, 1, "gateway", H10.AddHours(1).AddSeconds(1)),
            Chat(Project, 2, 2, 1, "gateway", H10.AddHours(1).AddSeconds(2), "openai", "gpt-4o", 0.25m),
            search,
            Root(Project, 3, 1, "gateway", H10.AddHours(2).AddSeconds(-1), ms: 5000),
            Chat(Project, 3, 2, 1, "gateway", H10.AddHours(2).AddSeconds(1), "openai", "gpt-4o", 0.125m),
        ]);
    }
}
