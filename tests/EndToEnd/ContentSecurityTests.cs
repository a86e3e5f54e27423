using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Time;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

/// <summary>Every page under the Content-Security-Policy: served with it, and nothing it draws breaks it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityTests(BrowserFixture fixture)
{
    private static readonly string[] Pages =
    [
        "/", "/pnl", "/benchmarks", "/scenarios", "/dependencies?period=24h", "/traces", "/connect",
        "/admin/budgets", "/admin/prices", "/admin/attribution", "/admin/users", "/admin/audit",
        "/admin/jobs", "/admin/jobs/recurring", "/admin/jobs/jobs/succeeded",
    ];

    // The drawing libraries whose scripts the page has run.
    private const string LoadedLibraries = "() => ['echarts', 'cytoscape'].filter(name => typeof window[name] !== 'undefined')";

    [Fact]
    public async Task Every_page_carries_the_policy_and_draws_its_charts_and_graph_without_a_violation()
    {
        await using var app = await StartWithOneTraceAsync();
        var page = await fixture.NewSignedInPageAsync(app);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => violations.Add($"{page.Url}: {error}");

        foreach (var path in Pages)
        {
            var response = await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
            (await response!.HeaderValueAsync("content-security-policy") ?? "").ShouldContain("script-src 'self'");
            (await response.HeaderValueAsync("x-content-type-options")).ShouldBe("nosniff");
            (await response.HeaderValueAsync("x-frame-options")).ShouldBe("DENY");
        }

        // The scripts ran: the weekly trend was drawn by ECharts and the map by Cytoscape (each after the
        // circuit's render), and each page loaded only the library it draws with.
        await page.GotoAsync("/");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.WaitForSelectorAsync("[data-chart][data-chart-drawn='1'] svg");
        (await page.EvaluateAsync<string[]>(LoadedLibraries)).ShouldBe(["echarts"]);
        await page.GotoAsync("/dependencies?period=24h");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("dependency-graph")).ToHaveAttributeAsync("data-graph-drawn", "1");
        (await page.EvaluateAsync<string[]>(LoadedLibraries)).ShouldBe(["cytoscape"]);
        // Closed before the app stops, or its circuit's lost connection would be logged.
        await page.CloseAsync();
        violations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_drawing_library_that_does_not_load_is_said_in_place_of_the_chart_and_the_circuit_carries_on()
    {
        await using var app = await StartWithOneTraceAsync();
        var page = await fixture.NewSignedInPageAsync(app);
        await page.RouteAsync("**/lib/echarts/**", route => route.AbortAsync());

        await page.GotoAsync("/");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-chart]")).ToHaveTextAsync("The chart could not be drawn: its script did not load.");
        // The page goes on over its circuit: the next week is chosen and rendered without a reload.
        var thisWeek = await page.GetByTestId("week-range").InnerTextAsync();
        await page.GetByTestId("previous-week").ClickAsync();
        await Expect(page.GetByTestId("week-range")).Not.ToHaveTextAsync(thisWeek);
        await Expect(page.Locator("main [data-interactive='true']")).ToHaveCountAsync(1);
        await page.CloseAsync();

        // The refused script is the only error: a failed draw that reached .NET would have closed the circuit, and said so.
        var errors = BrowserFixture.TakeConsoleErrors();
        errors.ShouldNotBeEmpty();
        errors.ShouldAllBe(e => e.Contains("net::ERR_FAILED"));
    }

    // The app with one trace of two spans an hour ago, rolled up, so the weekly trend and the map have something to draw.
    private static async Task<RunningApp> StartWithOneTraceAsync()
    {
        var app = await RunningApp.StartAsync(a => Tollgate.Dashboard.Web.DashboardApp.BuildAsync(a));
        var project = await Seed.DefaultProjectAsync(app);
        var at = DateTime.UtcNow.AddHours(-1);
        await Seed.WriteAsync(app,
        [
            TestSpans.Root(project, 9301, 1, "gateway", at, team: "search", feature: "answer"),
            TestSpans.Chat(project, 9301, 2, 1, "gateway", at.AddSeconds(1), "openai", "gpt-4o", 0.4m),
        ]);
        await app.App.Services.GetRequiredService<RollupService>().RecomputeAsync(at.AddHours(-1), at.AddHours(2));
        await app.App.Services.GetRequiredService<DependencyRollup>().RecomputeHoursAsync(null, UtcHour.Floor(at), UtcHour.Floor(DateTime.UtcNow).AddHours(1));
        return app;
    }
}
