using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Dependencies;
using Tollgate.Testing;
using Tollgate.Analytics.Time;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class DependencyMapTests(BrowserFixture fixture)
{
    /// <summary>A name that would set window.__pwned if it were ever written as markup.</summary>
    private const string Markup = "<img src=x onerror=window.__pwned=1>";

    private const string Graph = "document.querySelector('[data-testid=dependency-graph]')";

    [Fact]
    public async Task The_map_draws_the_nodes_lists_the_edges_and_shows_a_clicked_node_without_reloading()
    {
        // An app of its own: spans other tests send to the shared app would join the map.
        await using var app = await RunningApp.StartAsync(a => Tollgate.Dashboard.Web.DashboardApp.BuildAsync(a));
        await SeedAsync(app);
        var page = await fixture.NewSignedInPageAsync(app);
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Dependencies", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/dependencies$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Dependency map");
            await page.Locator("[data-testid=dependencies-page][data-interactive=true]").WaitForAsync();
            await PageChecks.LandmarksAndLabelsAsync(page);
            var graph = page.GetByTestId("dependency-graph");
            await Expect(graph).ToHaveAttributeAsync("data-graph-drawn", "1");
            // Set once in this document: still there after every choice below, none of which loads a page.
            await page.EvaluateAsync("window.__sameDocument = true");
            await MudControls.ChooseAsync(page, "period-picker", "Last 24 hours");
            await Expect(page).ToHaveURLAsync(new Regex("period=24h"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Map, last 24 hours" })).ToBeVisibleAsync();
            // One drawing per change of what the map shows.
            await Expect(graph).ToHaveAttributeAsync("data-graph-drawn", "2");

            // Six nodes: gateway, billing-api and the markup-named service, the agent, the tool and the model.
            (await page.Locator("[data-testid=dependency-graph] canvas").CountAsync()).ShouldBeGreaterThan(0);
            var labels = await page.EvaluateAsync<string[]>($"{Graph}.tollgateGraph.nodes().map(n => n.data('label')).sort()");
            labels.ShouldBe(new[] { Markup, "billing-api", "gateway", "openai/gpt-4o", "planner", "search" }.Order(StringComparer.Ordinal).ToArray());
            var shapes = await page.EvaluateAsync<string[]>($"{Graph}.tollgateGraph.nodes().map(n => n.data('kind') + ':' + n.style('shape')).sort()");
            shapes.ShouldContain("agent:hexagon");
            shapes.ShouldContain("tool:diamond");
            shapes.ShouldContain("model:round-rectangle");
            // The graph's element holds Cytoscape's canvases only: no label became an element.
            (await page.Locator("[data-testid=dependency-graph] :not(div, canvas)").CountAsync()).ShouldBe(0);

            // Five edges in the table; the markup-named node is text, in the table and in the graph, and nothing ran.
            var edges = page.GetByTestId("edge-table").Locator("tbody tr");
            await Expect(edges).ToHaveCountAsync(5);
            await Expect(page.GetByTestId("edge-table").Locator("[data-field=source]", new() { HasTextString = Markup })).ToHaveTextAsync(Markup);
            (await page.Locator("main img").CountAsync()).ShouldBe(0);
            // Every edge was first seen in this period: all are drawn dashed and marked "new".
            (await page.EvaluateAsync<int>($"{Graph}.tollgateGraph.edges().filter(e => e.style('line-style') === 'dashed').length")).ShouldBe(5);
            await Expect(page.GetByTestId("edge-table").Locator("[data-field=new]", new() { HasTextString = "new" })).ToHaveCountAsync(5);
            // Every column shows, the hostile node name broken over lines rather than widening the table.
            await PageChecks.NothingScrollsSidewaysAsync(page, page.GetByTestId("edge-table"));
            await BrowserFixture.ScreenshotAsync(page, "dependencies");

            // Clicking the agent on the canvas opens its figures, in place.
            var point = await page.EvaluateAsync<double[]>($$"""
                (() => { const el = {{Graph}}; const p = el.tollgateGraph.getElementById('agent:planner').renderedPosition();
                         const box = el.getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; })()
                """);
            await page.Mouse.ClickAsync((float)point[0], (float)point[1]);
            await Expect(page).ToHaveURLAsync(new Regex("node=agent%3Aplanner"));
            var panel = page.GetByTestId("node-panel");
            await Expect(panel.Locator("[data-field=node-label]")).ToHaveTextAsync("planner");
            // In: gateway → planner, one call, carrying the planner's subtree cost ($0.40 of the chat under it).
            // Out: planner → search (1 call, 1 error, no cost) and planner → gpt-4o (1 call, $0.40).
            await Expect(panel.Locator("[data-field=calls-in]")).ToHaveTextAsync("1");
            await Expect(panel.Locator("[data-field=cost-in]")).ToHaveTextAsync("$0.40");
            await Expect(panel.Locator("[data-field=calls-out]")).ToHaveTextAsync("2");
            await Expect(panel.Locator("[data-field=errors-out]")).ToHaveTextAsync("1");
            await Expect(panel.Locator("[data-field=cost-out]")).ToHaveTextAsync("$0.40");
            await Expect(panel.GetByTestId("node-edges").Locator("li")).ToHaveCountAsync(3);
            // The graph is drawn again with the agent marked as selected.
            await Expect(graph).ToHaveAttributeAsync("data-graph-drawn", "3");
            (await page.EvaluateAsync<bool>($"{Graph}.tollgateGraph.getElementById('agent:planner').data('selected') === true")).ShouldBeTrue();
            await BrowserFixture.ScreenshotAsync(page, "dependencies-node");

            // The errors overlay colours the failing edge red (1 error in 1 call); the node stays chosen.
            // MudBlazor gives each toggle the checkbox role, checked when chosen.
            var errors = page.GetByTestId("overlay").GetByRole(AriaRole.Checkbox, new() { Name = "Errors" });
            await errors.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("overlay=errors.*node=agent%3Aplanner"));
            await Expect(graph).ToHaveAttributeAsync("data-graph-drawn", "4");
            (await page.EvaluateAsync<string>($$"""{{Graph}}.tollgateGraph.edges('[source = "agent:planner"][target = "tool:search"]').data('color')""")).ShouldBe("#dc3545");
            await Expect(errors).ToBeCheckedAsync();
            await Expect(page.GetByTestId("legend-colour")).ToContainTextAsync("colour: error rate");

            // The markup-named node selected through the table link is text in the panel too.
            await page.GetByTestId("edge-table").Locator("[data-field=source]", new() { HasTextString = Markup }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("node=service%3A"));
            await Expect(panel.Locator("[data-field=node-label]")).ToHaveTextAsync(Markup);
            await Expect(graph).ToHaveAttributeAsync("data-graph-drawn", "5");
            await Expect(panel.GetByTestId("node-edges").Locator("li")).ToHaveTextAsync(["to openai/gpt-4o: 1 call"]);
            (await page.Locator("main img").CountAsync()).ShouldBe(0);
            (await page.EvaluateAsync<bool>("typeof window.__pwned === 'undefined'")).ShouldBeTrue();
            (await page.EvaluateAsync<bool>("window.__sameDocument === true")).ShouldBeTrue("no choice on the map loads the page again");
            await Expect(page.GetByTestId("debt-panel").Locator("[data-testid=agent-costs] td")).ToHaveTextAsync(["planner", "$0.40"]);
            await BrowserFixture.ScreenshotAsync(page, "dependencies-markup-node");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>
    /// Two traces an hour ago: gateway → planner (agent) → search (tool, failing) and → gpt-4o ($0.40), gateway → billing-api;
    /// and a service named with markup → gpt-4o ($0.10).
    /// </summary>
    private static async Task SeedAsync(RunningApp app)
    {
        var project = await Seed.DefaultProjectAsync(app);
        var at = DateTime.UtcNow.AddHours(-1);
        var planner = TestSpans.Span(project, 9201, 2, 1, "gateway", at.AddSeconds(1), ms: 800);
        planner.Agent = "planner";
        var search = TestSpans.Span(project, 9201, 3, 2, "gateway", at.AddSeconds(2));
        search.Tool = "search";
        search.StatusCode = 2;
        await Seed.WriteAsync(app,
        [
            TestSpans.Root(project, 9201, 1, "gateway", at),
            planner,
            search,
            TestSpans.Chat(project, 9201, 4, 2, "gateway", at.AddSeconds(3), "openai", "gpt-4o", 0.4m),
            TestSpans.Span(project, 9201, 5, 1, "billing-api", at.AddSeconds(4)),
            TestSpans.Root(project, 9202, 1, Markup, at.AddSeconds(10)),
            TestSpans.Chat(project, 9202, 2, 1, Markup, at.AddSeconds(11), "openai", "gpt-4o", 0.1m),
        ]);
        var rollup = app.App.Services.GetRequiredService<DependencyRollup>();
        await rollup.RecomputeHoursAsync(null, UtcHour.Floor(at), UtcHour.Floor(DateTime.UtcNow).AddHours(1));
    }
}
