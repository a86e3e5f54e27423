using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Time;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Dependencies;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The dependency map over a circuit: edges from the database, sorting, the node panel, the graph drawn through interop, hostile names as text.</summary>
public sealed class DependenciesPageTests : PageTestContext
{
    /// <summary>A name that would be an image, a drawing and a script if it were written as markup.</summary>
    private const string Markup = "<img src=x onerror=alert(1)><svg onload=alert(1)></svg><script>alert(1)</script>";

    private const string Ready = "[data-testid=dependencies-page][data-interactive=true]";

    [Fact]
    public async Task The_map_lists_the_periods_edges_busiest_first_with_their_figures()
    {
        var app = await StartAsync();
        await SeedAsync(app);

        var page = await RenderMapAsync(app, "/dependencies?period=24h");

        Edges(page).ShouldBe(["gateway → billing-api", "planner → openai/gpt-4o", "planner → search", Markup + " → openai/" + Markup, "gateway → planner"]);
        // planner → search: 1 call that failed; planner → gpt-4o: the $0.40 chat.
        Cells(page, "planner → search")[2..5].ShouldBe(["1", "1 (100%)", "$0.00"]);
        Cells(page, "planner → openai/gpt-4o")[4].ShouldBe("$0.40");
        Cells(page, "gateway → billing-api")[2].ShouldBe("3");
        // Every edge was first seen in the period.
        page.FindAll("[data-testid=edge-table] tbody [data-field=new]").Select(c => c.TextContent.Trim()).ShouldBe(Enumerable.Repeat("new", 5));
        page.Find("[data-testid=edge-table] tbody [data-field=source]").GetAttribute("href").ShouldBe("/dependencies?period=24h&overlay=cost&node=" + Uri.EscapeDataString("service:gateway"));
        page.Find("#d-period").GetAttribute("value").ShouldBe("Last 24 hours");
        page.Find("[data-testid=debt-panel] [data-testid=agent-costs] tbody").TextContent.ShouldContain("planner");
    }

    [Fact]
    public async Task Edges_are_sorted_by_the_column_chosen_either_way()
    {
        var app = await StartAsync();
        await SeedAsync(app);

        var page = await RenderMapAsync(app, "/dependencies?period=24h");

        SortBy(page, "Target");
        page.WaitForAssertion(() => Edges(page).ShouldBe(["gateway → billing-api", Markup + " → openai/" + Markup, "planner → openai/gpt-4o", "gateway → planner", "planner → search"]));
        SortBy(page, "Target");
        page.WaitForAssertion(() => Edges(page).ShouldBe(["planner → search", "gateway → planner", "planner → openai/gpt-4o", Markup + " → openai/" + Markup, "gateway → billing-api"]));
        SortBy(page, "Calls");
        // The four single calls (in the order they had), then the three calls to billing-api.
        page.WaitForAssertion(() => Edges(page)[^1].ShouldBe("gateway → billing-api"));
        Edges(page)[..^1].ShouldAllBe(edge => Cells(page, edge)[2] == "1");
    }

    [Fact]
    public async Task A_node_chosen_in_the_address_shows_what_flows_in_and_out_of_it()
    {
        var app = await StartAsync();
        await SeedAsync(app);

        var page = await RenderMapAsync(app, "/dependencies?period=24h&node=" + Uri.EscapeDataString("agent:planner"));

        var panel = page.Find("[data-testid=node-panel]");
        panel.QuerySelector("[data-field=node-label]")!.TextContent.ShouldBe("planner");
        panel.QuerySelector("[data-field=node-kind]")!.TextContent.Trim().ShouldBe("agent");
        // In: gateway → planner, one call carrying the $0.40 chat under it. Out: search (1 call, 1 error) and gpt-4o ($0.40).
        Figures(panel).ShouldBe(["1", "0", "$0.40", "2", "1", "$0.40"]);
        panel.QuerySelectorAll("[data-testid=node-edges] li").Select(li => li.TextContent).ShouldBe(["from gateway: 1 call", "to openai/gpt-4o: 1 call", "to search: 1 call"]);
        panel.QuerySelector("[data-testid=clear-node]")!.GetAttribute("href").ShouldBe("/dependencies?period=24h&overlay=cost");
    }

    [Fact]
    public async Task A_node_tapped_in_the_graph_goes_into_the_address_and_the_panel_without_reading_the_map_again()
    {
        var app = await StartAsync();
        await SeedAsync(app);
        var page = await RenderMapAsync(app, "/dependencies?period=24h&overlay=errors");
        page.Find("[data-testid=node-panel]").TextContent.ShouldContain("Select a node in the map");
        var self = (DotNetObjectReference<DependencyGraphView>)FirstDraw(page).Arguments[2]!;
        // Were the map read again, the agent would no longer be on it.
        await app.Database.ExecuteAsync("DELETE FROM dependency_edges_hourly; DELETE FROM dependency_edges_daily");

        await page.InvokeAsync(() => self.Value.SelectNode("agent:planner"));

        Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/dependencies?period=24h&overlay=errors&node=" + Uri.EscapeDataString("agent:planner"));
        page.WaitForAssertion(() => page.Find("[data-testid=node-panel] [data-field=node-label]").TextContent.ShouldBe("planner"));
        // Drawn again with the node selected, from the map already read: the overlay stays.
        page.WaitForAssertion(() => Draws().Count.ShouldBe(2));
        using var graph = JsonDocument.Parse((string)Draws()[1].Arguments[1]!);
        graph.RootElement.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("selected").GetBoolean()).Select(n => n.GetProperty("id").GetString()).ShouldBe(["agent:planner"]);
        EdgeColour(graph, "agent:planner", "tool:search").ShouldBe(DependenciesViewModel.ErrorColours[2]);
    }

    [Fact]
    public async Task The_graph_is_drawn_with_the_maps_json_and_drawn_again_in_the_overlay_chosen()
    {
        var app = await StartAsync();
        await SeedAsync(app);
        var page = await RenderMapAsync(app, "/dependencies?period=24h");

        var first = FirstDraw(page);
        first.Arguments[0].ShouldBeOfType<ElementReference>();
        using (var graph = JsonDocument.Parse((string)first.Arguments[1]!))
        {
            graph.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("label").GetString())
                .Order(StringComparer.Ordinal).ShouldBe(new[] { Markup, "openai/" + Markup, "billing-api", "gateway", "openai/gpt-4o", "planner", "search" }.Order(StringComparer.Ordinal));
            // Cost overlay: the $0.40 edges are the costliest, the failing search call costs nothing.
            EdgeColour(graph, "agent:planner", "model:openai/gpt-4o").ShouldBe(DependenciesViewModel.CostColours[3]);
            EdgeColour(graph, "agent:planner", "tool:search").ShouldBe(DependenciesViewModel.QuietColour);
        }

        // The toggle puts the overlay in the address; the page follows the address.
        page.Find("[data-testid=overlay] button:last-child").Click();
        Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/dependencies?period=24h&overlay=errors");
        page.WaitForAssertion(() => Draws().Count.ShouldBe(2));
        using (var graph = JsonDocument.Parse((string)Draws()[1].Arguments[1]!))
        {
            EdgeColour(graph, "agent:planner", "tool:search").ShouldBe(DependenciesViewModel.ErrorColours[2]);
        }

        page.Find("[data-testid=legend-colour]").TextContent.ShouldContain("colour: error rate");
    }

    [Fact]
    public async Task Names_with_markup_are_text_in_the_table_the_panel_the_debt_report_and_the_graph()
    {
        var app = await StartAsync();
        await SeedAsync(app);

        var page = await RenderMapAsync(app, "/dependencies?period=24h&node=" + Uri.EscapeDataString("service:" + Markup));

        foreach (var part in new[] { "[data-testid=edge-table] tbody", "[data-testid=node-panel]", "[data-testid=debt-panel]", "[data-testid=dependency-graph]" })
        {
            page.Find(part).QuerySelectorAll("img, script, svg").ShouldBeEmpty(part);
        }

        page.FindAll("[data-testid=edge-table] [data-field=source]").Select(a => a.TextContent).ShouldContain(Markup);
        page.FindAll("[data-testid=edge-table] [data-field=target]").Select(a => a.TextContent).ShouldContain("openai/" + Markup);
        var panel = page.Find("[data-testid=node-panel]");
        panel.QuerySelector("[data-field=node-label]")!.TextContent.ShouldBe(Markup);
        panel.QuerySelectorAll("[data-testid=node-edges] li").Select(li => li.TextContent).ShouldBe([$"to openai/{Markup}: 1 call"]);
        page.Find("[data-testid=new-dependencies]").TextContent.ShouldContain($"{Markup} → openai/{Markup}");
        // Cytoscape writes labels on a canvas: the JSON hands the name over unchanged.
        using var graph = JsonDocument.Parse((string)FirstDraw(page).Arguments[1]!);
        var node = graph.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "service:" + Markup);
        node.GetProperty("label").GetString().ShouldBe(Markup);
        node.GetProperty("selected").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_node_that_is_not_on_the_map_is_named_missing()
    {
        var app = await StartAsync();
        await SeedAsync(app);

        var page = await RenderMapAsync(app, "/dependencies?period=24h&node=" + Uri.EscapeDataString("tool:nothing"));

        page.Find("[data-testid=missing-node]").TextContent.ShouldBe("That node has no calls in the last 24 hours.");
        page.FindAll("[data-testid=node-panel] [data-field=node-label]").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_period_without_calls_says_what_draws_the_map()
    {
        var app = await StartAsync();

        var page = await RenderMapAsync(app, "/dependencies");

        page.Find("[data-testid=no-edges]").TextContent.ShouldContain("No calls between nodes in the last 7 days.");
        page.FindAll("[data-testid=edge-table]").ShouldBeEmpty();
        page.FindAll("[data-testid=dependency-graph]").ShouldBeEmpty();
        Draws().ShouldBeEmpty();
    }

    [Fact]
    public void A_node_named_with_markup_is_written_as_text_in_the_edge_table()
    {
        const string markup = "<img src=x onerror=alert(1)>";
        MapEdge[] edges = [new("service:" + markup, "model:openai/gpt-4o", 3, 1, 0.75m, 120, new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc), true)];

        var page = Render<EdgeTable>(p => p
            .Add(t => t.Edges, edges)
            .Add(t => t.NodeLink, id => "/dependencies?node=" + Uri.EscapeDataString(id)));

        page.FindAll("img").Count.ShouldBe(0);
        var source = page.Find("[data-field=source]");
        source.TextContent.ShouldBe(markup);
        source.GetAttribute("href").ShouldBe("/dependencies?node=" + Uri.EscapeDataString("service:" + markup));
        var cells = page.FindAll("tbody td").Select(td => td.TextContent.Trim()).ToList();
        // 1 error in 3 calls is 33.3 %.
        cells[2..6].ShouldBe(["3", "1 (33.3%)", "$0.75", "120 ms"]);
        page.Find("tbody [data-field=new]").TextContent.Trim().ShouldBe("new");
    }

    /// <summary>
    /// An hour ago: gateway → planner (agent) → search (tool, failing) and → gpt-4o ($0.40); gateway → billing-api three times;
    /// and a service named with markup → a model named with markup ($0.25).
    /// </summary>
    private static async Task SeedAsync(RunningApp app)
    {
        var project = await PageData.DefaultProjectIdAsync(app);
        var at = DateTime.UtcNow.AddHours(-1);
        var planner = TestSpans.Span(project, 1, 2, 1, "gateway", at.AddSeconds(1), ms: 800);
        planner.Agent = "planner";
        var search = TestSpans.Span(project, 1, 3, 2, "gateway", at.AddSeconds(2));
        search.Tool = "search";
        search.StatusCode = 2;
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(
        [
            TestSpans.Root(project, 1, 1, "gateway", at),
            planner,
            search,
            TestSpans.Chat(project, 1, 4, 2, "gateway", at.AddSeconds(3), "openai", "gpt-4o", 0.4m),
            TestSpans.Span(project, 1, 5, 1, "billing-api", at.AddSeconds(4)),
            TestSpans.Span(project, 1, 6, 1, "billing-api", at.AddSeconds(5)),
            TestSpans.Span(project, 1, 7, 1, "billing-api", at.AddSeconds(6)),
            TestSpans.Root(project, 2, 1, Markup, at.AddSeconds(10)),
            TestSpans.Chat(project, 2, 2, 1, Markup, at.AddSeconds(11), "openai", Markup, 0.25m),
        ]);
        await app.App.Services.GetRequiredService<DependencyRollup>().RecomputeHoursAsync(null, UtcHour.Floor(at), UtcHour.Floor(DateTime.UtcNow).AddHours(1));
    }

    private Task<IRenderedComponent<Dependencies>> RenderMapAsync(RunningApp app, string uri) =>
        RenderPageAsync<Dependencies, DependenciesViewModel>(app, uri, Roles.Viewer, Ready);

    /// <summary>The page's one drawing of the graph so far (drawn after the render that showed the map).</summary>
    private JSRuntimeInvocation FirstDraw(IRenderedComponent<Dependencies> page)
    {
        page.WaitForAssertion(() => Draws().Count.ShouldBe(1));
        return Draws()[0];
    }

    private List<JSRuntimeInvocation> Draws() => [.. JSInterop.Invocations.Where(i => i.Identifier == "tollgateGraphs.draw")];

    private static string EdgeColour(JsonDocument graph, string source, string target) =>
        graph.RootElement.GetProperty("edges").EnumerateArray()
            .Single(e => e.GetProperty("source").GetString() == source && e.GetProperty("target").GetString() == target)
            .GetProperty("color").GetString()!;

    /// <summary>Each row as "source → target", by label.</summary>
    private static List<string> Edges(IRenderedComponent<Dependencies> page) =>
        [.. page.FindAll("[data-testid=edge-table] tbody tr").Select(Edge)];

    private static string Edge(IElement row) =>
        row.QuerySelector("[data-field=source]")!.TextContent + " → " + row.QuerySelector("[data-field=target]")!.TextContent;

    private static List<string> Cells(IRenderedComponent<Dependencies> page, string edge) =>
        [.. page.FindAll("[data-testid=edge-table] tbody tr").Single(r => Edge(r) == edge).QuerySelectorAll("td").Select(td => td.TextContent.Trim())];

    /// <summary>Calls, errors and cost in, then out.</summary>
    private static List<string> Figures(IElement panel) =>
        [.. new[] { "calls-in", "errors-in", "cost-in", "calls-out", "errors-out", "cost-out" }.Select(f => panel.QuerySelector($"[data-field={f}]")!.TextContent)];

    private static void SortBy(IRenderedComponent<Dependencies> page, string column) =>
        page.FindAll("[data-testid=edge-table] thead th").Single(h => h.TextContent.Trim() == column).QuerySelector(".sortable-column-header")!.Click();
}
