using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Connect;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The Connect page over a circuit: a key shown once in the set-up, its problems under its fields, spans arriving live.</summary>
public sealed class ConnectPageTests : PageTestContext
{
    [Fact]
    public async Task A_new_key_goes_into_the_set_up_and_the_address_names_its_project_but_never_the_key()
    {
        var app = await StartAsync();
        var page = await RenderConnectAsync(app, "/connect", Roles.Admin);
        page.Find("[data-testid=env-snippet]").TextContent.ShouldContain("x-api-key=<your-ingest-key>");

        page.Find("#key-name").Change("checkout-service");
        page.Find("#key-project").Change("connect-test");
        page.Find("form[data-testid=key-form]").Submit();

        page.WaitForAssertion(() => page.Find("[data-testid=new-key-value]").TextContent.ShouldStartWith("tg_ingest_"));
        var key = page.Find("[data-testid=new-key-value]").TextContent.Trim();
        var address = Services.GetRequiredService<NavigationManager>().Uri;
        address.ShouldEndWith("/connect?project=connect-test");
        page.WaitForAssertion(() => page.Find("[data-testid=env-snippet]").TextContent.ShouldContain("x-api-key=" + key));
        // The form is ready for another key, without a message about the name just cleared.
        page.Find("#key-name").GetAttribute("value").ShouldBeNullOrEmpty();
        page.FindAll("[data-testid=key-form] .mud-input-helper-text.mud-input-error").ShouldBeEmpty();
    }

    [Fact]
    public async Task Attribution_typed_in_stays_when_the_page_gets_its_parameters_again_and_the_address_then_carries_it()
    {
        var app = await StartAsync();
        var page = await RenderConnectAsync(app, "/connect", Roles.Admin);

        page.Find("#team").Change("payments");
        page.Find("#feature").Change("checkout");
        // As when a cascading value changes: the page's parameters are set again, the address unchanged.
        page.Render(_ => { });
        page.Find("form[data-testid=attribution-form]").Submit();

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/connect?project=default&team=payments&feature=checkout"));
        page.WaitForAssertion(() => page.Find("[data-testid=env-snippet]").TextContent.ShouldContain("tollgate.team=payments,tollgate.feature=checkout"));
    }

    [Fact]
    public async Task A_key_without_a_name_or_for_a_project_a_lead_may_not_create_is_refused_under_its_field()
    {
        var app = await StartAsync();
        var page = await RenderConnectAsync(app, "/connect", Roles.Lead);

        page.Find("#key-name").Change("");
        page.Find("form[data-testid=key-form]").Submit();
        page.WaitForAssertion(() => Problems(page).ShouldContain("Give the key a name that says who uses it, for example 'checkout-service'."));

        page.Find("#key-name").Change("checkout-service");
        page.Find("#key-project").Change("brand-new");
        page.Find("form[data-testid=key-form]").Submit();
        page.WaitForAssertion(() => Problems(page).ShouldBe(["There is no project 'brand-new', and only admins create projects: choose an existing one or ask an admin."]));
        page.FindAll("[data-testid=new-key]").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_viewer_is_told_to_ask_for_a_key_and_the_view_model_refuses_to_create_one()
    {
        var app = await StartAsync();
        var page = await RenderConnectAsync(app, "/connect", Roles.Viewer);

        page.FindAll("#key-name").ShouldBeEmpty();
        page.Find("[aria-labelledby=key-title]").TextContent.ShouldContain("Ask an admin or a team lead for an ingest key");
        using var scope = app.App.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<ConnectViewModel>();
        var viewer = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, "vic"), new(System.Security.Claims.ClaimTypes.Role, Roles.Viewer)], "test"));
        (await model.CreateKeyAsync(new NewKeyInput { Name = "x", Project = "default" }, viewer)).ShouldBe((null, null, "Only admins and leads may create ingest keys."));
    }

    [Fact]
    public async Task Spans_sent_while_the_page_is_open_appear_in_the_live_check_with_names_as_text()
    {
        var app = await StartAsync();
        var page = await RenderConnectAsync(app, "/connect", Roles.Admin);
        page.Find("[data-testid=live-empty]").TextContent.ShouldContain("No spans received for project default");

        var project = await PageData.DefaultProjectIdAsync(app);
        var span = TestSpans.Root(project, 1, 1, Hostile, DateTime.UtcNow.AddSeconds(-5), "payments", "checkout");
        span.Name = Hostile;
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync([span]);

        page.WaitForAssertion(() => page.FindAll("[data-testid=live-table] tbody tr").Count.ShouldBe(1), TimeSpan.FromSeconds(30));
        var row = page.Find("[data-testid=live-table] tbody tr");
        row.TextContent.ShouldContain(Hostile);
        row.QuerySelectorAll("script").ShouldBeEmpty();
        row.QuerySelector("[data-field=team]")!.TextContent.ShouldBe("payments");
        page.Find("[data-testid=live-updated-at]").TextContent.ShouldStartWith("Read at");
    }

    private static List<string> Problems(IRenderedComponent<Connect> page) =>
        [.. page.FindAll("[data-testid=key-form] .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim())];

    private Task<IRenderedComponent<Connect>> RenderConnectAsync(RunningApp app, string uri, string role)
    {
        UseAppService<ConnectViewModel>(app);
        return RenderPageAsync<Connect, LiveCheckViewModel>(app, uri, role, "[data-testid=live-check][data-interactive=true]:not(:has(.mud-progress-linear))");
    }
}
