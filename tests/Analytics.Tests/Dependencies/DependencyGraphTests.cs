using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Tests.Dependencies;

public sealed class DependencyGraphTests
{
    private static readonly DateTime T0 = new(2026, 11, 2, 10, 0, 0, DateTimeKind.Utc);

    // gateway (service) ─┬─ planner (agent, in service "agents") ─┬─ chat on openai/gpt-4o ($0.30)
    //                    │                                        └─ search (tool) ── search (tool, nested) ── postgresql
    //                    └─ billing (another service, errored)
    private static readonly DependencySpan[] Trace =
    [
        Span(1, null, Node(service: "gateway"), ms: 900),
        Span(2, 1, Node(service: "agents", agent: "planner"), ms: 700),
        Span(3, 2, Node(service: "agents", agent: "planner", billing: true, provider: "openai", model: "gpt-4o"), ms: 400, cost: 0.30m),
        Span(4, 2, Node(service: "agents", agent: "planner", tool: "search"), ms: 200),
        Span(5, 4, Node(service: "agents", tool: "search"), ms: 150),
        Span(6, 5, Node(service: "agents", dbSystem: "postgresql"), ms: 20),
        Span(7, 1, Node(service: "billing"), ms: 50, error: true),
    ];

    [Fact]
    public void Each_span_maps_to_its_most_specific_node()
    {
        Node(service: "agents", agent: "planner", billing: true, provider: "openai", model: "gpt-4o").ShouldBe("model:openai/gpt-4o");
        Node(service: "agents", agent: "planner", tool: "search").ShouldBe("tool:search");
        Node(service: "agents", agent: "planner").ShouldBe("agent:planner");
        Node(service: "rag", operation: "RETRIEVER").ShouldBe("datastore:vector-store");
        Node(service: "rag", dbSystem: "pinecone", operation: "RETRIEVER").ShouldBe("datastore:pinecone");
        // A model on a span that is not billing (an agent span with rolled-up usage) is not a model call.
        Node(service: "agents", agent: "planner", billing: false, provider: "openai", model: "gpt-4o").ShouldBe("agent:planner");
        Node(service: null).ShouldBe("service:unknown");
    }

    [Fact]
    public void Parent_child_relations_become_edges_across_services_with_self_edges_collapsed()
    {
        var accumulator = new EdgeAccumulator();

        accumulator.AddTrace(Trace);

        accumulator.Edges.Keys.OrderBy(k => k.Source).ThenBy(k => k.Target).ShouldBe(
        [
            ("agent:planner", "model:openai/gpt-4o"),
            ("agent:planner", "tool:search"),
            ("service:gateway", "agent:planner"),
            ("service:gateway", "service:billing"),
            ("tool:search", "datastore:postgresql"),
        ]);
        // The nested search span is part of the search node: one call into it, not two.
        accumulator.Edges[("agent:planner", "tool:search")].Calls.ShouldBe(1);
        // The database is reached from the nested search span, which stands for the search node.
        accumulator.Edges[("tool:search", "datastore:postgresql")].Calls.ShouldBe(1);
    }

    [Fact]
    public void An_edge_carries_calls_errors_and_the_cost_of_the_child_subtree()
    {
        var accumulator = new EdgeAccumulator();

        accumulator.AddTrace(Trace);
        accumulator.AddTrace([.. Trace.Select(s => s with { TraceId = "t2" })]);

        var intoPlanner = accumulator.Edges[("service:gateway", "agent:planner")];
        // Two traces, each with the planner's subtree holding one $0.30 call.
        (intoPlanner.Calls, intoPlanner.Errors, intoPlanner.CostUsd).ShouldBe((2L, 0L, 0.60m));
        var intoBilling = accumulator.Edges[("service:gateway", "service:billing")];
        (intoBilling.Calls, intoBilling.Errors, intoBilling.CostUsd).ShouldBe((2L, 2L, 0m));
        intoBilling.FirstSeen.ShouldBe(T0.AddSeconds(7));
    }

    [Fact]
    public void Only_the_child_spans_chosen_are_counted_while_the_whole_trace_supplies_parents_and_cost()
    {
        var accumulator = new EdgeAccumulator();

        accumulator.AddTrace(Trace, child => child.SpanId == "3");

        accumulator.Edges.Keys.ShouldBe([("agent:planner", "model:openai/gpt-4o")]);
    }

    [Fact]
    public void A_span_whose_parent_was_not_stored_is_a_root_and_draws_no_edge()
    {
        var accumulator = new EdgeAccumulator();

        accumulator.AddTrace([Span(2, 99, Node(service: "agents", agent: "planner"), ms: 10), Span(3, 2, Node(service: "search"), ms: 5)]);

        accumulator.Edges.Keys.ShouldBe([("agent:planner", "service:search")]);
    }

    [Fact]
    public void An_edges_p95_is_the_upper_bound_of_its_log_bucket()
    {
        var counts = new long[LatencyHistogram.BucketCount];
        counts[LatencyHistogram.Bucket(10)] += 95;
        counts[LatencyHistogram.Bucket(1000)] += 5;

        // 10 ms: log2(10)·4 = 13.29 → bucket 14 = [2^3.25, 2^3.5) ms, reported as 2^3.5 = 11.3 → 11 ms.
        LatencyHistogram.Bucket(10).ShouldBe(14);
        LatencyHistogram.Percentile(counts, 0.95).ShouldBe(11);
        // The 96th value is one of the 1000 ms calls: log2(1000)·4 = 39.86 → bucket 40, reported as 2^10 = 1024 ms.
        LatencyHistogram.Percentile(counts, 0.96).ShouldBe(1024);
        LatencyHistogram.Bucket(0.3).ShouldBe(0);
        LatencyHistogram.Percentile(new long[LatencyHistogram.BucketCount], 0.95).ShouldBeNull();
    }

    internal static string Node(string? service, string? agent = null, string? tool = null, bool billing = false, string? provider = null,
        string? model = null, string? dbSystem = null, string? operation = null) =>
        DependencyNodes.Of(service, agent, tool, billing, provider, model, dbSystem, operation);

    internal static DependencySpan Span(int id, int? parent, string node, int ms, decimal? cost = null, bool error = false, string trace = "t1", string? agent = null) =>
        new(trace, id.ToString(System.Globalization.CultureInfo.InvariantCulture), parent?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            node, T0.AddSeconds(id), T0.AddSeconds(id).AddMilliseconds(ms), error, cost, agent ?? (node.StartsWith("agent:", StringComparison.Ordinal) ? node[6..] : null));
}
