using System.Text.Json;
using Tollgate.Analytics.Dependencies;
using Tollgate.Dashboard.Web.Components.Pages.Dependencies;

namespace Tollgate.Dashboard.Web.Tests.Components;

/// <summary>The map's JSON for Cytoscape and a node's figures, built without a browser; the page itself is tested with bUnit.</summary>
public sealed class DependenciesViewModelTests
{
    private const string Markup = "<img src=x onerror=alert(1)>";
    private static readonly DateTime Seen = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_graph_json_carries_the_markup_label_unchanged_for_the_canvas()
    {
        var edges = new List<MapEdge>
        {
            new("service:" + Markup, "agent:planner", 10, 0, 2m, null, Seen, false),
            new("agent:planner", "model:openai/gpt-4o", 1, 1, 0.5m, null, Seen, true),
        };
        var graph = new DependencyGraph(Seen, Seen.AddDays(1), DependencyMap.Nodes(edges), edges, false);

        using var json = JsonDocument.Parse(DependenciesViewModel.BuildGraphJson(graph, DependenciesViewModel.ErrorsOverlay, "agent:planner", "/dependencies?node="));

        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        nodes.Single(n => n.GetProperty("kind").GetString() == "service").GetProperty("label").GetString().ShouldBe(Markup);
        nodes.Single(n => n.GetProperty("selected").GetBoolean()).GetProperty("id").GetString().ShouldBe("agent:planner");
        var drawn = json.RootElement.GetProperty("edges").EnumerateArray().ToList();
        // Errors overlay: 0 of 10 is quiet grey; 1 of 1 (100 %) is the top red. Width: the busiest edge gets the maximum 8 px,
        // the other 1.5 + 6.5 · ln(2) / ln(11) = 1.5 + 6.5 · 0.289065 = 1.5 + 1.878923 = 3.378923 → 3.38.
        drawn.Select(e => (e.GetProperty("color").GetString(), e.GetProperty("width").GetDouble(), e.GetProperty("dashed").GetBoolean()))
            .ShouldBe([(DependenciesViewModel.QuietColour, 8.0, false), ("#dc3545", 3.38, true)]);
    }

    [Fact]
    public void A_map_is_carried_from_the_prerendered_page_to_its_circuit_only_while_it_is_small()
    {
        static MapFigures Map(int edgeCount)
        {
            var edges = Enumerable.Range(0, edgeCount)
                .Select(i => new MapEdge($"service:caller-{i}", $"model:openai/model-{i}", 10, 0, 1m, 250, Seen, false)).ToList();
            return new MapFigures("7d", new DependencyGraph(Seen, Seen.AddDays(7), DependencyMap.Nodes(edges), edges, false), null);
        }

        var small = Map(5);
        MapFigures.Carried(small).ShouldBeSameAs(small);
        // About 300 bytes of JSON an edge with its two nodes: 200 edges are far over what one message may carry.
        var large = Map(200);
        JsonSerializer.SerializeToUtf8Bytes(large).Length.ShouldBeGreaterThan(MapFigures.MaxCarriedBytes);
        MapFigures.Carried(large).ShouldBeNull();
    }

    [Fact]
    public void A_node_panel_sums_what_flows_in_and_out()
    {
        var edges = new List<MapEdge>
        {
            new("service:gateway", "agent:planner", 4, 1, 1.5m, null, Seen, false),
            new("service:billing", "agent:planner", 2, 0, 0.25m, null, Seen, false),
            new("agent:planner", "model:openai/gpt-4o", 6, 2, 1.25m, null, Seen, false),
        };
        var graph = new DependencyGraph(Seen, Seen.AddDays(1), DependencyMap.Nodes(edges), edges, false);

        var panel = DependenciesViewModel.PanelOf(graph, "agent:planner")!;

        // In: 4 + 2 calls, 1 + 0 errors, $1.50 + $0.25. Out: the one edge to the model.
        (panel.CallsIn, panel.ErrorsIn, panel.CostIn, panel.CallsOut, panel.ErrorsOut, panel.CostOut).ShouldBe((6L, 1L, 1.75m, 6L, 2L, 1.25m));
        DependenciesViewModel.PanelOf(graph, "tool:nothing").ShouldBeNull();
    }
}
