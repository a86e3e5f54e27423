using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Traces;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The trace list over a circuit: filters from the address, server-side pages, hostile names as text, following new traces.</summary>
public sealed class TracesPageTests : PageTestContext
{
    [Fact]
    public async Task The_filter_in_the_address_lists_the_matching_traces_with_names_as_text()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        var start = DateTime.UtcNow.AddMinutes(-10);
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(
        [
            .. PageData.Request(project, 1, start, "search", Hostile, "gpt-4o", 0.25m),
            .. PageData.Request(project, 2, start.AddMinutes(1), "billing", "invoice", "gpt-4o", 0.5m),
        ]);

        var page = await RenderTracesAsync(app, "/traces?team=search");

        var rows = page.FindAll("[data-testid=trace-table] tbody tr");
        rows.Count.ShouldBe(1);
        page.FindAll("tbody script").ShouldBeEmpty();
        rows[0].TextContent.ShouldContain(Hostile);
        rows[0].TextContent.ShouldContain("$0.25");
        rows[0].QuerySelector("a")!.GetAttribute("href").ShouldStartWith("/traces/");
        page.Find("#f-team").GetAttribute("value").ShouldBe("search");
    }

    [Fact]
    public async Task A_cost_that_is_not_a_number_is_named_beside_its_field()
    {
        var app = await StartAsync();

        var page = await RenderTracesAsync(app, "/traces?minCost=lots");

        page.Find("[data-testid=min-cost]").TextContent.ShouldContain("Give an amount in US dollars, for example 0.05.");
        page.FindAll("[data-testid=trace-table]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Submitting_the_filter_puts_it_in_the_address()
    {
        var app = await StartAsync();
        var page = await RenderTracesAsync(app, "/traces");

        page.Find("#f-team").Change("search & co");
        page.Find("form[data-testid=trace-filter]").Submit();

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/traces?team=search%20%26%20co"));
    }

    [Fact]
    public async Task A_followed_list_shows_traces_that_arrive_while_it_is_open()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        var writer = app.App.Services.GetRequiredService<SpanWriter>();
        await writer.WriteAsync([.. PageData.Request(project, 1, DateTime.UtcNow.AddMinutes(-5), "search", "answer", "gpt-4o", 0.25m)]);
        var page = await RenderTracesAsync(app, "/traces");
        page.FindAll("[data-testid=trace-table] tbody tr").Count.ShouldBe(1);

        page.Find("[data-testid=follow] input").Change(true);
        await writer.WriteAsync([.. PageData.Request(project, 2, DateTime.UtcNow.AddMinutes(-1), "search", "late", "gpt-4o", 0.5m)]);

        page.WaitForAssertion(() => page.FindAll("[data-testid=trace-table] tbody tr").Count.ShouldBe(2), TimeSpan.FromSeconds(30));
        page.Find("[data-testid=traces-updated-at]").TextContent.ShouldContain("refreshed every 2 s");
    }

    private Task<IRenderedComponent<Traces>> RenderTracesAsync(RunningApp app, string uri) =>
        RenderPageAsync<Traces, TracesViewModel>(app, uri, Roles.Viewer, "[data-testid=trace-results][data-interactive=true]:not(:has(.mud-progress-linear))");
}
