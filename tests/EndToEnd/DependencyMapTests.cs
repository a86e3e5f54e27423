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
    private const string Markup = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task The_map_draws_the_nodes_lists_the_edges_and_shows_a_clicked_node()
    {
        // An app of its own: spans other tests send to the shared app would join the map.
        await using var app = await RunningApp.StartAsync(a => Tollgate.Dashboard.Web.DashboardApp.BuildAsync(a));
        await SeedAsync(app);
        var page = await fixture.NewSignedInPageAsync(app);
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        try
        {
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GetByRole(AriaRole.Link, new() { Name = "Dependencies", Exact = true }).ClickAsync();
            // From the interactive home page the address changes before the static page has loaded.
            await page.WaitForURLAsync(new Regex("/dependencies"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Dependency map");
            await page.GetByLabel("Period").SelectOptionAsync("24h");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("period=24h"));
            await page.WaitForFunctionAsync("document.querySelector('[data-graph]')?.dataset.graphDrawn === '1'");

            // Six nodes: gateway, billing-api and the markup-named service, the agent, the tool and the model.
            (await page.Locator("[data-graph] canvas").CountAsync()).ShouldBeGreaterThan(0);
            var labels = await page.EvaluateAsync<string[]>("document.querySelector('[data-graph]').tollgateGraph.nodes().map(n => n.data('label')).sort()");
            labels.ShouldBe(new[] { Markup, "billing-api", "gateway", "openai/gpt-4o", "planner", "search" }.Order(StringComparer.Ordinal).ToArray());
            var shapes = await page.EvaluateAsync<string[]>("document.querySelector('[data-graph]').tollgateGraph.nodes().map(n => n.data('kind') + ':' + n.style('shape')).sort()");
            shapes.ShouldContain("agent:hexagon");
            shapes.ShouldContain("tool:diamond");
            shapes.ShouldContain("model:round-rectangle");

            // Five edges in the table; the markup-named node is text, in the table and in the graph, and nothing ran.
            (await page.Locator("[data-testid=edge-table] tbody tr").CountAsync()).ShouldBe(5);
            (await page.Locator("[data-testid=edge-table] [data-field=source]", new() { HasTextString = Markup }).TextContentAsync()).ShouldBe(Markup);
            (await page.Locator("main img").CountAsync()).ShouldBe(0);
            // Every edge was first seen in this period: all are drawn dashed and badged "new".
            (await page.EvaluateAsync<int>("document.querySelector('[data-graph]').tollgateGraph.edges().filter(e => e.style('line-style') === 'dashed').length")).ShouldBe(5);
            (await page.Locator("[data-testid=edge-table] .badge", new() { HasTextString = "new" }).CountAsync()).ShouldBe(5);
            await BrowserFixture.ScreenshotAsync(page, "dependencies");

            // Clicking the agent on the canvas opens its figures.
            var point = await page.EvaluateAsync<double[]>("""
                (() => { const el = document.querySelector('[data-graph]'); const p = el.tollgateGraph.getElementById('agent:planner').renderedPosition();
                         const box = el.getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; })()
                """);
            await page.Mouse.ClickAsync((float)point[0], (float)point[1]);
            await page.WaitForURLAsync(new Regex("node=agent%3Aplanner"));
            var panel = page.GetByTestId("node-panel");
            (await panel.Locator("[data-field=node-label]").TextContentAsync()).ShouldBe("planner");
            // In: gateway → planner, one call, carrying the planner's subtree cost ($0.40 of the chat under it).
            // Out: planner → search (1 call, 1 error, no cost) and planner → gpt-4o (1 call, $0.40).
            (await panel.Locator("[data-field=calls-in]").TextContentAsync()).ShouldBe("1");
            (await panel.Locator("[data-field=cost-in]").TextContentAsync()).ShouldBe("$0.40");
            (await panel.Locator("[data-field=calls-out]").TextContentAsync()).ShouldBe("2");
            (await panel.Locator("[data-field=errors-out]").TextContentAsync()).ShouldBe("1");
            (await panel.Locator("[data-field=cost-out]").TextContentAsync()).ShouldBe("$0.40");
            (await panel.GetByTestId("node-edges").Locator("li").CountAsync()).ShouldBe(3);
            await BrowserFixture.ScreenshotAsync(page, "dependencies-node");

            // The errors overlay colours the failing edge red (1 error in 1 call).
            await page.GetByLabel("Errors").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("overlay=errors"));
            await page.WaitForFunctionAsync("document.querySelector('[data-graph]')?.dataset.graphDrawn === '1'");
            (await page.EvaluateAsync<string>("document.querySelector('[data-graph]').tollgateGraph.edges('[source = \"agent:planner\"][target = \"tool:search\"]').data('color')"))
                .ShouldBe("#dc3545");

            // The markup-named node selected through the table link is text in the panel too.
            await page.Locator("[data-testid=edge-table] [data-field=source]", new() { HasTextString = Markup }).ClickAsync();
            (await panel.Locator("[data-field=node-label]").TextContentAsync()).ShouldBe(Markup);
            (await page.Locator("main img").CountAsync()).ShouldBe(0);
            (await page.GetByTestId("debt-panel").Locator("[data-testid=agent-costs] td").AllTextContentsAsync()).ShouldBe(["planner", "$0.40"]);
            dialogs.ShouldBe(0);
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
