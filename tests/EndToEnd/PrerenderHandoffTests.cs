using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Rollups;
using Tollgate.Dashboard.Web;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

/// <summary>
/// A data page loaded afresh is prerendered with its figures; when its circuit starts, it shows the
/// same figures at once (carried in the page) instead of reading them again behind a loading bar.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PrerenderHandoffTests(BrowserFixture fixture)
{
    // From before the document exists, notes each change between "loading" (a page's loading bar),
    // "figures" (the watched element) and "none", and when the circuit has rendered the page.
    private const string Watch = """
        (() => {
            window.__handoff = [];
            let last = null, interactive = false;
            const look = () => {
                const figures = window.__handoffFigures && document.querySelector(window.__handoffFigures);
                const state = document.querySelector("[aria-label^='Loading the']") ? "loading" : figures ? "figures" : "none";
                if (state !== last) { window.__handoff.push(state); last = state; }
                if (!interactive && document.querySelector("main [data-interactive='true']")) { interactive = true; window.__handoff.push("interactive"); }
            };
            new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
        })();
        """;

    [Theory]
    [InlineData("/", "[data-testid=cost-this-week]")]
    [InlineData("/dependencies", "[data-testid=edge-table]")]
    public async Task A_page_loaded_afresh_keeps_its_prerendered_figures_when_its_circuit_starts(string path, string figures)
    {
        // An app of its own: the figures are what this test wrote.
        await using var app = await AppWithOneRequestAsync();

        var page = await fixture.NewSignedInPageAsync(app);
        try
        {
            await page.AddInitScriptAsync($"window.__handoffFigures = {System.Text.Json.JsonSerializer.Serialize(figures)};" + Watch);
            await page.GotoAsync(path);
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.Locator(figures)).ToBeVisibleAsync();
            var seen = await page.EvaluateAsync<string[]>("window.__handoff");
            // The prerendered page brought the figures before the circuit rendered it, and they stayed.
            var shown = Array.IndexOf(seen, "figures");
            shown.ShouldBeGreaterThanOrEqualTo(0, string.Join(" → ", seen));
            Array.IndexOf(seen, "interactive").ShouldBeGreaterThan(shown, string.Join(" → ", seen));
            seen.Skip(shown).ShouldNotContain("loading", string.Join(" → ", seen));
            seen.Skip(shown).ShouldNotContain("none", string.Join(" → ", seen));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task The_prerendered_weekly_review_runs_no_drawing_library_before_its_circuit_renders_the_chart()
    {
        await using var app = await AppWithOneRequestAsync();

        var page = await fixture.NewSignedInPageAsync(app);
        try
        {
            // Notes, when the circuit's render first shows, whether ECharts had run or a chart been drawn.
            await page.AddInitScriptAsync("""
                new MutationObserver((_, observer) => {
                    if (document.querySelector("main [data-interactive='true']")) {
                        window.__beforeCircuit = { echarts: typeof window.echarts !== "undefined", drawn: !!document.querySelector("[data-chart-drawn]") };
                        observer.disconnect();
                    }
                }).observe(document, { subtree: true, childList: true, attributes: true });
                """);
            await page.GotoAsync("/");
            await BrowserFixture.WaitForCircuitAsync(page);

            // The prerendered page's chart element is replaced by the circuit's render: drawing into it would be lost work.
            (await page.EvaluateAsync<bool>("window.__beforeCircuit.echarts")).ShouldBeFalse();
            (await page.EvaluateAsync<bool>("window.__beforeCircuit.drawn")).ShouldBeFalse();
            await page.WaitForSelectorAsync("[data-chart][data-chart-drawn='1'] svg");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    // A dashboard whose data is one request of this half hour, rolled up.
    private static async Task<RunningApp> AppWithOneRequestAsync()
    {
        var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        try
        {
            var project = await Seed.DefaultProjectAsync(app);
            var at = DateTime.UtcNow.AddMinutes(-30);
            await Seed.WriteAsync(app,
            [
                TestSpans.Root(project, 9301, 1, "gateway", at, team: "search-team"),
                TestSpans.Chat(project, 9301, 2, 1, "gateway", at.AddSeconds(1), "openai", "gpt-4o", 0.4m),
            ]);
            await app.App.Services.GetRequiredService<RollupRunner>().RunAllAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
