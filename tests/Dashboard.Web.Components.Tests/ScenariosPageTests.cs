using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Insights;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The scenarios page over a circuit: the form's problems under their fields, the scenario in the address, the projection.</summary>
public sealed class ScenariosPageTests : PageTestContext
{
    [Fact]
    public async Task Bad_values_in_the_address_are_named_under_their_fields_and_nothing_is_projected()
    {
        var app = await StartAsync();
        await SeedAsync(app);

        var page = await RenderScenariosAsync(app, "/scenarios?cache=lots&small=50&model=" + Uri.EscapeDataString(Hostile));

        ErrorOf(page, "cache").ShouldBe("'lots' is not a number (use a dot for decimals).");
        ErrorOf(page, "mid").ShouldBe("Give all three tier shares, or none to keep today's mix.");
        ErrorOf(page, "price").ShouldBe("Give the multiplier for this model's price.");
        ErrorOf(page, "small").ShouldBeEmpty();
        // The value as typed comes back in its field, as text.
        page.Find("#s-model").GetAttribute("value").ShouldBe(Hostile);
        page.FindAll("script").ShouldBeEmpty();
        page.FindAll("[data-testid=scenario-table]").ShouldBeEmpty();
        page.Find("[data-testid=scenario-results]").TextContent.ShouldContain("Fix the scenario above");
    }

    [Fact]
    public async Task A_scenario_chosen_in_the_form_goes_into_the_address_and_is_projected_per_feature()
    {
        var app = await StartAsync();
        await SeedAsync(app);
        var page = await RenderScenariosAsync(app, "/scenarios");
        Totals(page).Take(2).ShouldBe(["$0.60", "$0.60"]);

        await page.InvokeAsync(() => page.FindComponent<MudRadioGroup<string>>().Instance.ValueChanged.InvokeAsync("10"));
        page.Find("#s-cache").Change("0");
        page.Find("form[data-testid=scenario-form]").Submit();

        Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/scenarios?volume=10&cache=0");
        // Ten times the volume, nothing else: 0.60 today, 6.00 in the scenario.
        page.WaitForAssertion(() => Totals(page).Take(2).ShouldBe(["$0.60", "$6.00"]));
        page.FindAll("[data-testid=scenario-table] tbody th").Select(h => h.TextContent).ShouldBe(["answer", "triage"], ignoreOrder: true);
    }

    [Fact]
    public async Task Without_spans_the_page_says_how_to_connect_a_service()
    {
        var app = await StartAsync();

        var page = await RenderScenariosAsync(app, "/scenarios");

        page.Find(".empty h2").TextContent.ShouldBe("No spans yet");
        page.Find(".empty a").GetAttribute("href").ShouldBe("/connect");
    }

    private static async Task SeedAsync(RunningApp app)
    {
        var project = await PageData.DefaultProjectIdAsync(app);
        var day = DateTime.UtcNow.Date.AddDays(-2);
        await PageData.WriteAndRollUpAsync(app,
        [
            .. PageData.Request(project, 1, day.AddHours(10), "search", "answer", "gpt-4o", 0.20m),
            .. PageData.Request(project, 2, day.AddHours(11), "support", "triage", "gpt-4o", 0.40m),
        ], day, day.AddDays(1));
    }

    private static string ErrorOf(IRenderedComponent<Scenarios> page, string field) =>
        page.Find($"[data-testid=field-{field}]").QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    private static List<string> Totals(IRenderedComponent<Scenarios> page) =>
        [.. page.FindAll("[data-testid=scenario-total] td").Select(c => c.TextContent.Trim())];

    private Task<IRenderedComponent<Scenarios>> RenderScenariosAsync(RunningApp app, string uri) =>
        RenderPageAsync<Scenarios, ScenariosViewModel>(app, uri, Roles.Viewer, "[data-testid=scenario-results][data-interactive=true]:not(:has(.mud-progress-linear))");
}
