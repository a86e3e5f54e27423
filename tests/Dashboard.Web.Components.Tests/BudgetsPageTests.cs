using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Analytics.Budgets;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Budgets;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The budgets list and one budget's page over a circuit: the grid, the dialog form, test alerts and deleting.</summary>
public sealed class BudgetsPageTests : PageTestContext
{
    [Fact]
    public async Task A_budget_name_with_markup_renders_as_text_in_the_grid_the_buttons_the_snackbar_and_the_confirmation()
    {
        var app = await StartAsync();
        var id = await SeedAsync(app, Hostile, 10m);

        var page = await RenderBudgetsAsync(app);

        page.FindAll("script").ShouldBeEmpty();
        Names(page).ShouldBe([Hostile]);
        Row(page, Hostile).QuerySelector("[data-field=name]")!.GetAttribute("href").ShouldBe($"/admin/budgets/{id}");
        page.Find($"button[aria-label='Edit budget {Hostile}']").ShouldNotBeNull();
        // No channel: the test alert says so, naming the budget as text.
        Button(page, $"Send a test alert for {Hostile}").Click();
        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain($"Budget {Hostile} has no channel"));
        Snackbars.FindAll("script").ShouldBeEmpty();
        Button(page, $"Delete budget {Hostile}").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"Delete budget {Hostile}?"));
        Dialogs.FindAll("script").ShouldBeEmpty();
    }

    [Fact]
    public async Task Budgets_are_listed_with_scope_period_amount_spend_forecast_and_state_and_sorted_by_the_column_chosen_either_way()
    {
        var app = await StartAsync();
        await SeedAsync(app, "Checkout weekly", 300m, "team", "checkout", BudgetPeriods.Weekly);
        await SeedAsync(app, "Everything", 1000m);
        await SeedAsync(app, "Acme", 50m, "customer", "acme");

        var page = await RenderBudgetsAsync(app);

        Cells(page, "Checkout weekly")[..6].ShouldBe(["Checkout weekly", "team: checkout", "weekly", "$300.00", "$0.00", "$0.00"]);
        Row(page, "Checkout weekly").QuerySelector("[data-field=used]")!.TextContent.ShouldBe("0 %");
        Row(page, "Checkout weekly").QuerySelector("[data-field=state]")!.TextContent.ShouldBe("ok");
        Cells(page, "Everything")[1..4].ShouldBe(["total", "monthly", "$1,000.00"]);
        page.FindAll("[data-testid=budget-grid] thead th").Select(h => h.TextContent.Trim()).ShouldContain("Actions");
        SortBy(page, "Amount");
        page.WaitForAssertion(() => Names(page).ShouldBe(["Acme", "Checkout weekly", "Everything"]));
        SortBy(page, "Amount");
        page.WaitForAssertion(() => Names(page).ShouldBe(["Everything", "Checkout weekly", "Acme"]));
        SortBy(page, "Budget");
        page.WaitForAssertion(() => Names(page).ShouldBe(["Acme", "Checkout weekly", "Everything"]));
    }

    [Fact]
    public async Task The_search_keeps_the_budgets_whose_name_scope_period_or_state_hold_it()
    {
        var app = await StartAsync();
        await SeedAsync(app, "Checkout weekly", 300m, "team", "checkout", BudgetPeriods.Weekly);
        await SeedAsync(app, "Everything", 1000m);

        var page = await RenderBudgetsAsync(app);
        page.Find("input[data-testid=budget-search]").Input("CHECKOUT");

        page.WaitForAssertion(() => Names(page).ShouldBe(["Checkout weekly"]));
        await page.InvokeAsync(() => page.Find("input[data-testid=budget-search]").Input("monthly"));
        page.WaitForAssertion(() => Names(page).ShouldBe(["Everything"]));
        await page.InvokeAsync(() => page.Find("input[data-testid=budget-search]").Input("nothing like it"));
        page.WaitForAssertion(() => page.Find("[data-testid=no-match]").TextContent.ShouldBe("No budget matches the search or filters."));
    }

    [Fact]
    public async Task A_form_with_mistakes_shows_each_problem_under_its_field_and_a_corrected_one_creates_the_budget_with_an_audit_entry()
    {
        var app = await StartAsync();
        var page = await RenderBudgetsAsync(app);
        page.Find("[data-testid=no-budgets]").TextContent.ShouldBe("No budget yet. Create one with New budget.");

        page.Find("button[data-testid=create-budget]").Click();
        Dialogs.WaitForElement(".budget-dialog");
        Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Create a budget");
        // One project: the budget goes to it without asking, and the list has no project column.
        Dialogs.FindAll("#b-project").ShouldBeEmpty();
        Dialogs.FindAll("#b-key").ShouldBeEmpty();
        await ChooseAsync("Scope", "team");
        Dialogs.Find("#b-amount").Change("0");
        Dialogs.Find("#b-thresholds").Change("50, lots");
        Dialogs.Find("#b-webhook").Change("ftp://hooks.example.com/x");
        Dialogs.Find("#b-email").Change("finops@example.com");
        Dialogs.Find("button[data-testid=save-budget]").Click();

        Dialogs.WaitForAssertion(() => ProblemUnder("b-key").ShouldBe("Give the team the budget limits, for example checkout."));
        ProblemUnder("b-amount").ShouldBe("Give the amount in US dollars, greater than 0, for example 500.");
        ProblemUnder("b-thresholds").ShouldBe("Give the thresholds as percentages separated by commas, for example 50, 80, 100.");
        ProblemUnder("b-webhook").ShouldBe("Give an absolute http or https URL of at most 2000 characters.");
        ProblemUnder("b-email").ShouldStartWith("Email alerts need a mail server");
        ProblemUnder("b-period").ShouldBe("");
        ProblemUnder("b-slack").ShouldBe("");
        ProblemUnder("b-name").ShouldBe("");
        // Every field has a label.
        foreach (var input in Dialogs.FindAll("input:not([type=hidden]):not([readonly]), textarea"))
        {
            Dialogs.FindAll($"label[for='{input.Id}']").ShouldNotBeEmpty($"{input.Id} has no label");
        }

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM budgets")).ShouldBe(0);

        Dialogs.Find("#b-key").Change("checkout");
        Dialogs.Find("#b-amount").Change("250");
        Dialogs.Find("#b-thresholds").Change("50, 100");
        Dialogs.Find("#b-webhook").Change("");
        Dialogs.Find("#b-email").Change("");
        Dialogs.Find("#b-name").Change("Checkout monthly");
        Dialogs.Find("button[data-testid=save-budget]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Created budget Checkout monthly."));
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".budget-dialog").ShouldBeEmpty());
        page.WaitForAssertion(() => Cells(page, "Checkout monthly")[..4].ShouldBe(["Checkout monthly", "team: checkout", "monthly", "$250.00"]));
        page.FindAll("[data-field=project]").ShouldBeEmpty();
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'budgets.add' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task Editing_shows_the_budget_as_stored_and_saves_the_change_with_an_audit_entry()
    {
        var app = await StartAsync();
        await SeedAsync(app, "Everything", 1m);
        var page = await RenderBudgetsAsync(app);

        Button(page, "Edit budget Everything").Click();

        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Edit budget Everything"));
        Dialogs.Find("#b-thresholds").GetAttribute("value").ShouldBe("50, 80, 100");
        Dialogs.Find("#b-name").GetAttribute("value").ShouldBe("Everything");
        Dialogs.Find("#b-amount").Change("2");
        Dialogs.Find("#b-thresholds").Change("50, 100");
        Dialogs.Find("button[data-testid=save-budget]").TextContent.Trim().ShouldBe("Save budget");
        Dialogs.Find("button[data-testid=save-budget]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Saved budget Everything."));
        page.WaitForAssertion(() => Cells(page, "Everything")[3].ShouldBe("$2.00"));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'budgets.update' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task Deleting_asks_first_and_cancelling_keeps_the_budget()
    {
        var app = await StartAsync();
        await SeedAsync(app, "Everything", 10m);
        await SeedAsync(app, "Search", 20m, "feature", "search");
        var page = await RenderBudgetsAsync(app);

        Button(page, "Delete budget Everything").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Delete budget Everything?"));
        Dialogs.Find(".mud-dialog-content").TextContent.ShouldContain("Its alert history is deleted with it. The deletion is recorded in the audit log.");
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
        Names(page).ShouldBe(["Everything", "Search"]);

        Button(page, "Delete budget Everything").Click();
        Dialogs.WaitForAssertion(() => DialogButton("Delete Everything").Click());

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Deleted budget Everything."));
        page.WaitForAssertion(() => Names(page).ShouldBe(["Search"]));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'budgets.delete' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_test_alert_goes_to_the_budgets_webhook_at_once_and_the_snackbar_says_how_it_went()
    {
        var app = await StartAsync();
        await using var hook = new WebhookReceiver();
        await SeedAsync(app, "Everything", 10m, webhook: hook.Url);
        var page = await RenderBudgetsAsync(app);

        Button(page, "Send a test alert for Everything").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain($"Test alert of Everything: webhook {hook.Url} delivered (status 200)."), TimeSpan.FromSeconds(30));
        Snackbars.Find(".mud-snackbar").ClassList.ShouldContain("mud-alert-filled-success");
        hook.Bodies.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Lead, false)]
    [InlineData(Roles.Pm, false)]
    [InlineData(Roles.Viewer, false)]
    public async Task Only_those_the_budgets_API_lets_change_budgets_are_offered_the_buttons(string role, bool offered)
    {
        var app = await StartAsync();
        await SeedAsync(app, "Everything", 10m);

        var page = await RenderBudgetsAsync(app, role);

        Names(page).ShouldBe(["Everything"]);
        page.FindAll("button[data-testid=create-budget]").Count.ShouldBe(offered ? 1 : 0);
        page.FindAll("[data-testid=budget-actions] button").Count.ShouldBe(offered ? 3 : 0);
        page.FindAll("[data-testid=budget-grid] thead th").Any(h => h.TextContent.Trim() == "Actions").ShouldBe(offered);
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Viewer, false)]
    public async Task Only_those_the_budgets_API_lets_change_budgets_are_offered_the_buttons_on_a_budgets_page(string role, bool offered)
    {
        var app = await StartAsync();
        var id = await SeedAsync(app, "Everything", 10m);

        var detail = await RenderDetailAsync(app, id, role);

        detail.FindAll("[data-testid=budget-actions] button").Select(b => b.TextContent.Trim()).ShouldBe(offered ? ["Edit", "Send a test alert", "Delete"] : []);
    }

    [Fact]
    public async Task A_viewer_without_budgets_is_told_an_admin_creates_them_and_the_view_model_refuses_a_viewers_changes()
    {
        var app = await StartAsync();
        var page = await RenderBudgetsAsync(app, Roles.Viewer);

        page.Find("[data-testid=no-budgets]").TextContent.ShouldBe("No budget yet. An admin can create one.");

        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<BudgetsViewModel>();
        var viewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "vic"), new Claim(ClaimTypes.Role, Roles.Viewer)], "test"));
        var saved = await model.SaveAsync(new BudgetForm { Scope = "total", Period = "monthly", AmountUsd = 10m }, viewer);
        saved.Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may change budgets." });
        (await model.SendTestAlertAsync(1, viewer)).ShouldBe((false, "Only admins may send test alerts."));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM budgets")).ShouldBe(0);
    }

    [Fact]
    public async Task With_several_projects_the_list_shows_each_budgets_project_and_the_form_asks_which()
    {
        var app = await StartAsync();
        await SeedAsync(app, "Everything", 10m);
        await AddProjectAsync(app, "mobile");

        var several = await RenderBudgetsAsync(app);

        several.FindAll("[data-field=project]").Select(p => p.TextContent).ShouldBe(["default"]);
        several.Find("button[data-testid=create-budget]").Click();
        Dialogs.WaitForElement("#b-project");
        Dialogs.FindAll("label[for='b-project']").Single().TextContent.ShouldBe("Project");
        Dialogs.Find("#b-project").GetAttribute("value").ShouldBe("default");
        await ChooseAsync("Project", "mobile");
        Dialogs.Find("#b-amount").Change("5");
        Dialogs.Find("button[data-testid=save-budget]").Click();
        several.WaitForAssertion(() => several.FindAll("[data-field=project]").Select(p => p.TextContent).Order(StringComparer.Ordinal).ShouldBe(["default", "mobile"]));
    }

    [Fact]
    public async Task A_budgets_page_shows_its_figures_and_channels_as_text()
    {
        var app = await StartAsync();
        var id = await SeedAsync(app, Hostile, 10m, webhook: "https://hooks.example.com/<b>x</b>");

        var detail = await RenderDetailAsync(app, id);

        detail.Find("h1").TextContent.ShouldBe(Hostile);
        detail.FindAll("script").ShouldBeEmpty();
        var summary = detail.Find("[data-testid=budget-summary]").TextContent;
        summary.ShouldContain("all of project default");
        summary.ShouldContain("$10.00");
        summary.ShouldContain("50 %, 80 %, 100 %");
        detail.Find("[data-testid=channel]").TextContent.ShouldContain("webhook https://hooks.example.com/<b>x</b>");
        detail.FindAll("[data-testid=channel] b").ShouldBeEmpty();
        detail.Find("[data-testid=no-alerts]").TextContent.ShouldBe("No threshold has been crossed yet.");
    }

    [Fact]
    public async Task From_a_budgets_own_page_editing_offers_its_project_and_deleting_goes_back_to_the_list()
    {
        var app = await StartAsync();
        await AddProjectAsync(app, "mobile");

        var id = await SeedAsync(app, "Everything", 10m);
        var detail = await RenderDetailAsync(app, id);

        // Found and clicked in one renderer turn: the page may re-render between a find and a click.
        await detail.InvokeAsync(() => detail.FindAll("[data-testid=budget-actions] button").Single(b => b.TextContent.Trim() == "Edit").Click());
        Dialogs.WaitForAssertion(() => Dialogs.Find("#b-project").GetAttribute("value").ShouldBe("default"));
        await Dialogs.InvokeAsync(() => Dialogs.Find("#b-amount").Change("12"));
        Dialogs.Find("button[data-testid=save-budget]").Click();
        detail.WaitForAssertion(() => detail.Find("[data-testid=budget-summary]").TextContent.ShouldContain("$12.00"));

        await detail.InvokeAsync(() => detail.FindAll("[data-testid=budget-actions] button").Single(b => b.TextContent.Trim() == "Delete").Click());
        Dialogs.WaitForAssertion(() => DialogButton("Delete Everything").Click());

        detail.WaitForAssertion(() => Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri.ShouldEndWith("/admin/budgets"));
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM budgets")).ShouldBe(0);
    }

    [Fact]
    public async Task A_budget_that_does_not_exist_says_so()
    {
        var app = await StartAsync();

        var missing = await RenderPageAsync<BudgetDetail, BudgetsViewModel>(app, "/admin/budgets/999", Roles.Admin, "[data-testid=budget-missing]", p => p.Add(d => d.Id, 999));

        missing.Find("h1").TextContent.ShouldBe("No such budget");
    }

    private static async Task<int> SeedAsync(RunningApp app, string name, decimal amount, string scope = BudgetScopes.Total, string? key = null,
        string period = BudgetPeriods.Monthly, string? webhook = null)
    {
        var (definition, errors) = BudgetRules.Check(new BudgetInput(null, name, scope, key, period, amount, null, webhook, null, null), "default", smtpConfigured: false);
        errors.ShouldBeEmpty();
        return (await app.App.Services.GetRequiredService<BudgetStore>().CreateAsync(definition!, "seed"))!.Id;
    }

    private static async Task AddProjectAsync(RunningApp app, string name)
    {
        using var client = app.CreateClient(withAdminKey: true);
        var created = await client.PutAsJsonAsync($"/api/v1/projects/{name}", new { contentCapture = false });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    private Task<IRenderedComponent<Budgets>> RenderBudgetsAsync(RunningApp app, string role = Roles.Admin) =>
        RenderPageAsync<Budgets, BudgetsViewModel>(app, "/admin/budgets", role, "[data-testid=budgets-page]");

    private Task<IRenderedComponent<BudgetDetail>> RenderDetailAsync(RunningApp app, int id, string role = Roles.Admin) =>
        RenderPageAsync<BudgetDetail, BudgetsViewModel>(app, $"/admin/budgets/{id}", role, "[data-testid=budget-detail]", p => p.Add(d => d.Id, id));

    private static IElement Button(IRenderedComponent<Budgets> page, string name) => page.Find($"button[aria-label='{name}']");

    private static void SortBy(IRenderedComponent<Budgets> page, string column) =>
        page.FindAll("[data-testid=budget-grid] thead th").Single(h => h.TextContent.Trim() == column).QuerySelector(".sortable-column-header")!.Click();

    private static List<string> Names(IRenderedComponent<Budgets> page) =>
        [.. page.FindAll("[data-testid=budget-grid] tbody tr [data-field=name]").Select(c => c.TextContent)];

    private static IElement Row(IRenderedComponent<Budgets> page, string name) =>
        page.FindAll("[data-testid=budget-grid] tbody tr").Single(r => r.QuerySelector("[data-field=name]")?.TextContent == name);

    private static List<string> Cells(IRenderedComponent<Budgets> page, string name) =>
        [.. Row(page, name).QuerySelectorAll("td").Select(c => c.TextContent.Trim()).Where(t => t.Length > 0)];
}
