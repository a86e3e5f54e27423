using Bunit;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Insights;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The benchmarks page over a circuit: the maturity level, its criteria, and the band of each value.</summary>
public sealed class BenchmarksPageTests : PageTestContext
{
    [Fact]
    public async Task Without_spans_the_page_says_how_to_connect_a_service()
    {
        var app = await StartAsync();

        var page = await RenderBenchmarksAsync(app);

        page.Find(".empty h2").TextContent.ShouldBe("No spans yet");
        page.Find(".empty a").GetAttribute("href").ShouldBe("/connect");
        page.FindAll("[data-testid=maturity-level]").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_page_shows_the_level_every_criterion_and_each_value_in_the_band_that_holds_it_beside_the_published_figures()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        var start = DateTime.UtcNow.Date.AddDays(-3);
        // Two requests at 0.20 and 0.40: 0.30 per request, in the low band.
        await PageData.WriteAndRollUpAsync(app,
        [
            .. PageData.Request(project, 1, start.AddHours(10), "search", "answer", "gpt-4o", 0.20m),
            .. PageData.Request(project, 2, start.AddHours(11), "search", "answer", "gpt-4o", 0.40m),
        ], start, start.AddDays(1));

        var page = await RenderBenchmarksAsync(app);

        // Level 1 (calls observed) and 2 (every call priced: both carry a provided cost) are met; level 3 needs a budget.
        page.Find("[data-testid=maturity-level]").TextContent.ShouldBe("2");
        page.Find("[data-testid=maturity-name]").TextContent.ShouldBe("Pilot");
        page.Find("[data-testid=next-step]").TextContent.ShouldContain("Budgets defined");
        page.FindAll("[data-testid=criteria] tbody tr").Count.ShouldBe(10);
        page.FindAll("[data-testid=criteria] [data-testid=met]").Select(m => m.TextContent).Take(2).ShouldBe(["met", "met"]);
        var costRow = page.Find("tr[data-metric=inference_cost_per_request]");
        costRow.QuerySelector("td.num")!.TextContent.ShouldBe("$0.30");
        costRow.QuerySelector("[data-testid=band]")!.TextContent.ShouldBe("low");
        // Low starts where median ends ($0.05), not at the published low bound ($0.10): no value falls between bands.
        var placed = costRow.QuerySelectorAll(".band-placed");
        placed.Select(c => (c.GetAttribute("data-band"), c.TextContent)).ShouldBe([("low", "above $0.05")]);
        costRow.QuerySelector("[data-testid=published]")!.TextContent.ShouldBe("published: low above $0.10, median $0.01 to $0.05, elite below $0.005");
        page.FindAll("[data-testid=published]").Count.ShouldBe(page.FindAll("[data-testid=benchmarks] tbody tr").Count);
        // No revenue: COGS / revenue has no value and no band.
        page.FindAll("tr[data-metric=ai_cogs_to_revenue] [data-testid=band]").ShouldBeEmpty();
        page.FindAll("tr[data-metric=ai_cogs_to_revenue] .band-placed").ShouldBeEmpty();
        page.Find("[data-testid=benchmarks-page]").GetAttribute("data-interactive").ShouldBe("true");
    }

    private Task<IRenderedComponent<Benchmarks>> RenderBenchmarksAsync(RunningApp app) =>
        RenderPageAsync<Benchmarks, BenchmarksViewModel>(app, "/benchmarks", Roles.Viewer, "[data-testid=benchmarks-page]");
}
