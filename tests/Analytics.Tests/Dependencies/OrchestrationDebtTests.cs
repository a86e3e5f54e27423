using Tollgate.Analytics.Dependencies;
using static Tollgate.Analytics.Tests.Dependencies.DependencyGraphTests;

namespace Tollgate.Analytics.Tests.Dependencies;

public sealed class OrchestrationDebtTests
{
    private static readonly DateTime From = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = From.AddDays(1);

    [Fact]
    public void An_error_travelling_up_to_the_root_is_a_cascade_with_its_origin()
    {
        DependencySpan[] cascade =
        [
            Span(1, null, Node("gateway"), 100, error: true, trace: "c1"),
            Span(2, 1, Node("agents", agent: "planner"), 80, error: true, trace: "c1"),
            Span(3, 2, Node("agents", billing: true, provider: "openai", model: "gpt-4o"), 50, error: true, trace: "c1"),
            Span(4, 1, Node("billing"), 10, trace: "c1"),
        ];
        // The child failed but the root recovered: no cascade.
        DependencySpan[] contained = [Span(1, null, Node("gateway"), 100, trace: "ok"), Span(2, 1, Node("search"), 10, error: true, trace: "ok")];
        // The root failed on its own: nothing travelled up.
        DependencySpan[] alone = [Span(1, null, Node("gateway"), 100, error: true, trace: "solo"), Span(2, 1, Node("search"), 10, trace: "solo")];

        var report = OrchestrationDebt.Analyse(From, To, [], [cascade, contained, alone]);

        report.ErrorCascades.Count.ShouldBe(1);
        report.ErrorCascades.Examples.ShouldBe([new CascadeExample("c1", "openai/gpt-4o", 3)]);
        report.TracesExamined.ShouldBe(3);
    }

    [Fact]
    public void New_edges_fan_out_chains_and_agent_cost_are_reported()
    {
        MapEdge[] edges =
        [
            new("service:gateway", "agent:planner", 10, 0, 3m, 700, From.AddDays(-30), false),
            new("service:gateway", "service:billing", 10, 1, 0m, 50, From.AddDays(-30), false),
            new("service:gateway", "tool:search", 2, 0, 0m, 20, From.AddHours(5), true),
            new("agent:planner", "model:openai/gpt-4o", 10, 0, 3m, 400, From.AddDays(-30), false),
        ];
        DependencySpan[] trace =
        [
            Span(1, null, Node("gateway"), 900),
            Span(2, 1, Node("agents", agent: "planner"), 700),
            Span(3, 2, Node("agents", agent: "planner"), 600), // the planner again, nested: one node on the chain
            Span(4, 3, Node("agents", billing: true, provider: "openai", model: "gpt-4o"), 400, cost: 0.25m, agent: "planner"),
            Span(5, 3, Node("agents", tool: "search"), 100, agent: "planner"),
            Span(6, 5, Node("agents", dbSystem: "postgresql"), 10),
        ];

        var report = OrchestrationDebt.Analyse(From, To, edges, [trace]);

        report.NewDependencies.ShouldBe([new NewDependency("service:gateway", "tool:search", From.AddHours(5), 2)]);
        report.WidestFanOut.ShouldBe(new FanOut("service:gateway", "gateway", 3));
        report.LongestChain!.Depth.ShouldBe(4);
        report.LongestChain.Path.ShouldBe(["gateway", "planner", "search", "postgresql"]);
        // Only the outermost planner span counts: its subtree holds the one $0.25 call.
        report.AgentCosts.ShouldBe([new AgentCost("planner", 0.25m)]);
    }
}
