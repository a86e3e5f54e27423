using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Attribution;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The attribution rules page over a circuit: the grid in the receiver's order, the dialog form, editing and deleting.</summary>
public sealed class AttributionPageTests : PageTestContext
{
    /// <summary>How long a test waits for the page to show what the database holds: long enough for a loaded machine.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_rule_key_with_markup_renders_as_text_in_the_grid_the_buttons_the_dialogs_and_the_snackbar()
    {
        var app = await StartAsync();
        await SeedAsync(app, Hostile, "team");

        var page = await RenderRulesAsync(app);

        page.FindAll("script").ShouldBeEmpty();
        Keys(page).ShouldBe([Hostile]);
        Button(page, $"Edit rule {Hostile}").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"Edit the rule for {Hostile}"), Wait);
        Dialogs.Find("#r-key").GetAttribute("value").ShouldBe(Hostile);
        Dialogs.FindAll("script").ShouldBeEmpty();
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty(), Wait);

        Button(page, $"Delete rule {Hostile}").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"Delete the rule for {Hostile}?"), Wait);
        Dialogs.FindAll("script").ShouldBeEmpty();
        DialogButton("Delete rule").Click();
        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain($"Deleted the rule for {Hostile}."), Wait);
        Snackbars.FindAll("script").ShouldBeEmpty();
    }

    [Fact]
    public async Task Rules_are_listed_in_the_order_the_receiver_applies_them_and_sorted_by_the_column_chosen_either_way()
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");
        await SeedAsync(app, "billing.account", "customer");
        await SeedAsync(app, "app.area", "team");

        var page = await RenderRulesAsync(app);

        // Added first, applied first: app.squad wins over app.area when a span carries both.
        Keys(page).ShouldBe(["app.squad", "billing.account", "app.area"]);
        page.FindAll("[data-testid=rule-grid] tbody [data-field=order]").Select(o => o.TextContent).ShouldBe(["1", "2", "3"]);
        Cells(page, "billing.account")[..4].ShouldBe(["2", "billing.account", "customer", "seed"]);
        page.FindAll("[data-field=project]").ShouldBeEmpty();
        SortBy(page, "Attribute key");
        page.WaitForAssertion(() => Keys(page).ShouldBe(["app.area", "app.squad", "billing.account"]), Wait);
        SortBy(page, "Attribute key");
        page.WaitForAssertion(() => Keys(page).ShouldBe(["billing.account", "app.squad", "app.area"]), Wait);
        SortBy(page, "Read as");
        page.WaitForAssertion(() => Keys(page).ShouldBe(["billing.account", "app.squad", "app.area"]), Wait);
    }

    [Fact]
    public async Task The_search_keeps_the_rules_whose_key_target_or_author_hold_it()
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");
        await SeedAsync(app, "billing.account", "customer");

        var page = await RenderRulesAsync(app);
        page.Find("input[data-testid=rule-search]").Input("SQUAD");
        page.WaitForAssertion(() => Keys(page).ShouldBe(["app.squad"]), Wait);
        await page.InvokeAsync(() => page.Find("input[data-testid=rule-search]").Input("customer"));
        page.WaitForAssertion(() => Keys(page).ShouldBe(["billing.account"]), Wait);
        await page.InvokeAsync(() => page.Find("input[data-testid=rule-search]").Input("nothing like it"));
        page.WaitForAssertion(() => page.Find("[data-testid=no-match]").TextContent.ShouldBe("No rule matches the search or filters."), Wait);
    }

    [Fact]
    public async Task A_form_with_mistakes_shows_each_problem_under_its_field_and_a_corrected_one_adds_the_rule_with_an_audit_entry()
    {
        var app = await StartAsync();
        var page = await RenderRulesAsync(app);
        page.Find("[data-testid=no-rules]").TextContent.ShouldBe("No rule: spans are attributed by the standard keys only. Add one with New rule.");

        page.Find("button[data-testid=add-rule]").Click();
        Dialogs.WaitForElement(".rule-dialog", Wait);
        Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Add a rule");
        // One project: the rule goes to it without asking.
        Dialogs.FindAll("#r-project").ShouldBeEmpty();
        Dialogs.Find("#r-key").Input("app squad");
        Dialogs.Find("button[data-testid=save-rule]").Click();

        Dialogs.WaitForAssertion(() => ProblemUnder("r-key").ShouldBe("Give the attribute key as your spans carry it, 1 to 64 characters without spaces, for example app.squad."), Wait);
        ProblemUnder("r-target").ShouldBe("");
        foreach (var input in Dialogs.FindAll("input:not([type=hidden]):not([readonly]), textarea"))
        {
            Dialogs.FindAll($"label[for='{input.Id}']").ShouldNotBeEmpty($"{input.Id} has no label");
        }

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM attribution_rules")).ShouldBe(0);

        Dialogs.Find("#r-key").Input("billing.account");
        await ChooseAsync("Read as", "customer");
        Dialogs.Find("button[data-testid=save-rule]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Added: attribute billing.account is read as customer."), Wait);
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".rule-dialog").ShouldBeEmpty(), Wait);
        page.WaitForAssertion(() => Cells(page, "billing.account")[..4].ShouldBe(["1", "billing.account", "customer", "ann"]), Wait);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'attribution-rules.add' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task Enter_in_the_key_field_adds_the_rule_and_a_key_the_project_has_already_is_refused_under_the_field()
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");
        var page = await RenderRulesAsync(app);

        page.Find("button[data-testid=add-rule]").Click();
        Dialogs.WaitForElement(".rule-dialog", Wait);
        await Dialogs.InvokeAsync(() => Dialogs.Find("#r-key").Input("app.squad"));
        Dialogs.Find("#r-key").KeyDown(Key.Enter);

        Dialogs.WaitForAssertion(() => ProblemUnder("r-key").ShouldContain("already has a rule for 'app.squad'"), Wait);
        // The refusal may still be rendering (the dialog leaves its saving state after the message shows):
        // the field is found and typed into on the renderer's thread, between renders.
        await Dialogs.InvokeAsync(() => Dialogs.Find("#r-key").Input("app.area"));
        await Dialogs.InvokeAsync(() => Dialogs.Find("#r-key").KeyDown(Key.Enter));
        page.WaitForAssertion(() => Keys(page).ShouldBe(["app.squad", "app.area"]), Wait);
    }

    [Fact]
    public async Task Editing_changes_what_the_key_is_read_as_keeps_its_place_and_is_audited()
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");
        await SeedAsync(app, "app.area", "team");
        var page = await RenderRulesAsync(app);

        Button(page, "Edit rule app.squad").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Edit the rule for app.squad"), Wait);
        Dialogs.Find("[data-field=project]").TextContent.ShouldBe("default");
        Dialogs.Find("button[data-testid=save-rule]").TextContent.Trim().ShouldBe("Save rule");
        await ChooseAsync("Read as", "feature");
        Dialogs.Find("button[data-testid=save-rule]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Saved: attribute app.squad is read as feature."), Wait);
        page.WaitForAssertion(() => Cells(page, "app.squad")[..3].ShouldBe(["1", "app.squad", "feature"]), Wait);
        Keys(page).ShouldBe(["app.squad", "app.area"]);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'attribution-rules.update' AND actor = 'ann'")).ShouldBe(1);
        (await app.Database.ScalarAsync<string>("SELECT before->>'target' || ' -> ' || (after->>'target') FROM audit_log WHERE action = 'attribution-rules.update'")).ShouldBe("team -> feature");
    }

    [Fact]
    public async Task Deleting_asks_first_and_cancelling_keeps_the_rule()
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");
        await SeedAsync(app, "app.area", "feature");
        var page = await RenderRulesAsync(app);

        Button(page, "Delete rule app.squad").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Delete the rule for app.squad?"), Wait);
        Dialogs.Find(".mud-dialog-content").TextContent.ShouldContain("Spans received from now on no longer read app.squad as team; stored spans keep their attribution.");
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty(), Wait);
        Keys(page).ShouldBe(["app.squad", "app.area"]);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM attribution_rules")).ShouldBe(2);

        Button(page, "Delete rule app.squad").Click();
        Dialogs.WaitForAssertion(() => DialogButton("Delete rule").Click(), Wait);

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Deleted the rule for app.squad."), Wait);
        page.WaitForAssertion(() => Keys(page).ShouldBe(["app.area"]), Wait);
        page.Find("[data-testid=rule-grid] tbody [data-field=order]").TextContent.ShouldBe("1");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'attribution-rules.delete' AND actor = 'ann'")).ShouldBe(1);
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Lead, false)]
    [InlineData(Roles.Pm, false)]
    [InlineData(Roles.Viewer, false)]
    public async Task Only_those_the_attribution_rules_API_lets_change_rules_are_offered_the_buttons(string role, bool offered)
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");

        var page = await RenderRulesAsync(app, role);

        Keys(page).ShouldBe(["app.squad"]);
        page.FindAll("button[data-testid=add-rule]").Count.ShouldBe(offered ? 1 : 0);
        page.FindAll("[data-testid=rule-actions] button").Count.ShouldBe(offered ? 2 : 0);
        page.FindAll("[data-testid=rule-grid] thead th").Any(h => h.TextContent.Trim() == "Actions").ShouldBe(offered);
    }

    [Fact]
    public async Task A_viewer_without_rules_is_told_an_admin_adds_them_and_the_view_model_refuses_a_viewers_changes()
    {
        var app = await StartAsync();
        var page = await RenderRulesAsync(app, Roles.Viewer);
        page.Find("[data-testid=no-rules]").TextContent.ShouldBe("No rule: spans are attributed by the standard keys only. An admin can add rules.");
        var id = await SeedAsync(app, "app.squad", "team");

        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<AttributionViewModel>();
        var viewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "vic"), new Claim(ClaimTypes.Role, Roles.Viewer)], "test"));
        (await model.SaveAsync(new RuleForm { AttributeKey = "app.area", Target = "team" }, viewer)).Problems
            .ShouldBe(new Dictionary<string, string> { [""] = "Only admins may change attribution rules." });
        (await model.SaveAsync(new RuleForm { Id = id, AttributeKey = "app.squad", Target = "customer" }, viewer)).Succeeded.ShouldBeFalse();
        (await model.DeleteAsync(id, viewer)).ShouldBe("Only admins may change attribution rules.");
        (await app.Database.ScalarAsync<string>("SELECT string_agg(attribute_key || '=' || target, ',') FROM attribution_rules")).ShouldBe("app.squad=team");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action LIKE 'attribution-rules.%' AND actor = 'vic'")).ShouldBe(0);
    }

    [Fact]
    public async Task With_several_projects_the_list_shows_each_rules_project_and_the_form_asks_which()
    {
        var app = await StartAsync();
        await SeedAsync(app, "app.squad", "team");
        await AddProjectAsync(app, "mobile");

        var page = await RenderRulesAsync(app);

        page.FindAll("[data-field=project]").Select(p => p.TextContent).ShouldBe(["default"]);
        page.Find("button[data-testid=add-rule]").Click();
        Dialogs.WaitForElement("#r-project", Wait);
        Dialogs.FindAll("label[for='r-project']").Single().TextContent.ShouldBe("Project");
        Dialogs.Find("#r-project").GetAttribute("value").ShouldBe("default");
        await ChooseAsync("Project", "mobile");
        Dialogs.Find("#r-key").Input("app.squad");
        Dialogs.Find("button[data-testid=save-rule]").Click();

        // Each project orders its own rules.
        page.WaitForAssertion(() => page.FindAll("[data-testid=rule-grid] tbody tr").Select(r => r.QuerySelector("[data-field=project]")!.TextContent + " "
            + r.QuerySelector("[data-field=order]")!.TextContent + " " + r.QuerySelector("[data-field=key]")!.TextContent).ShouldBe(["default 1 app.squad", "mobile 1 app.squad"]), Wait);
    }

    private static async Task<int> SeedAsync(RunningApp app, string key, string target) =>
        (await app.App.Services.GetRequiredService<AttributionRuleStore>().AddAsync("default", key, target, "seed")).Id;

    private static async Task AddProjectAsync(RunningApp app, string name)
    {
        using var client = app.CreateClient(withAdminKey: true);
        var created = await client.PutAsJsonAsync($"/api/v1/projects/{name}", new { contentCapture = false });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    private Task<IRenderedComponent<Attribution>> RenderRulesAsync(RunningApp app, string role = Roles.Admin) =>
        RenderPageAsync<Attribution, AttributionViewModel>(app, "/admin/attribution", role, "[data-testid=rules-page][data-interactive=true]");

    private static IElement Button(IRenderedComponent<Attribution> page, string name) => page.Find($"button[aria-label='{name}']");

    private static void SortBy(IRenderedComponent<Attribution> page, string column) =>
        page.FindAll("[data-testid=rule-grid] thead th").Single(h => h.TextContent.Trim() == column).QuerySelector(".sortable-column-header")!.Click();

    private static List<string> Keys(IRenderedComponent<Attribution> page) =>
        [.. page.FindAll("[data-testid=rule-grid] tbody tr [data-field=key]").Select(c => c.TextContent)];

    private static List<string> Cells(IRenderedComponent<Attribution> page, string key) =>
        [.. page.FindAll("[data-testid=rule-grid] tbody tr").Single(r => r.QuerySelector("[data-field=key]")?.TextContent == key)
            .QuerySelectorAll("td").Select(c => c.TextContent.Trim()).Where(t => t.Length > 0)];
}
