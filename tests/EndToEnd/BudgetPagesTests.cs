using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Budgets;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;
using static Tollgate.EndToEnd.MudControls;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class BudgetPagesTests(BrowserFixture fixture)
{
    private const string Team = "e2e-budget-team";

    [Fact]
    public async Task An_admin_creates_edits_tests_and_deletes_a_budget_and_the_audit_log_lists_the_changes()
    {
        await using var hook = new WebhookReceiver();
        var page = await fixture.NewSignedInPageAsync();
        try
        {
            await OpenBudgetsFromTheDrawerAsync(page);

            // Create: one team (so that spend written by other tests cannot count), monthly, $1; default thresholds 50, 80, 100 %.
            await page.GetByTestId("create-budget").ClickAsync();
            var dialog = page.Locator(".budget-dialog");
            await Expect(dialog.Locator("#budget-dialog-title")).ToHaveTextAsync("Create a budget");
            await ChooseAsync(page, "b-scope", "team");
            await page.GetByLabel("Team, feature or customer").FillAsync(Team);
            await page.GetByLabel("Amount, US $").FillAsync("1");
            await page.GetByLabel("Name (optional)").FillAsync("E2E monthly");
            await page.GetByLabel("Webhook URL (JSON)").FillAsync(hook.Url);
            await Expect(page.GetByLabel("Alert at, % of amount")).ToHaveValueAsync("50, 80, 100");
            await PageChecks.LandmarksAndLabelsAsync(page);
            await BrowserFixture.ScreenshotAsync(page, "budget-dialog");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Create budget" }).ClickAsync();
            await ExpectSnackbarAsync(page, "Created budget E2E monthly.");
            await Expect(dialog).ToHaveCountAsync(0);
            var row = Row(page, "E2E monthly");
            await Expect(row.Locator("[data-field=amount]")).ToHaveTextAsync("$1.00");
            await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("ok");

            // Edit: the amount becomes $2 and the thresholds 50 and 100 %.
            await row.GetByRole(AriaRole.Button, new() { Name = "Edit budget E2E monthly" }).ClickAsync();
            await Expect(dialog.Locator("#budget-dialog-title")).ToHaveTextAsync("Edit budget E2E monthly");
            await Expect(page.GetByLabel("Alert at, % of amount")).ToHaveValueAsync("50, 80, 100");
            await page.GetByLabel("Amount, US $").FillAsync("2");
            await page.GetByLabel("Alert at, % of amount").FillAsync("50, 100");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save budget" }).ClickAsync();
            await ExpectSnackbarAsync(page, "Saved budget E2E monthly.");
            await Expect(row.Locator("[data-field=amount]")).ToHaveTextAsync("$2.00");

            // A test alert goes to the webhook at once and the snackbar says so.
            await row.GetByRole(AriaRole.Button, new() { Name = "Send a test alert for E2E monthly" }).ClickAsync();
            await ExpectSnackbarAsync(page, $"Test alert of E2E monthly: webhook {hook.Url} delivered (status 200).");
            hook.Bodies.Count.ShouldBe(1);
            await ExpectNothingToScrollSidewaysAsync(page);
            await BrowserFixture.ScreenshotAsync(page, "budgets-admin");

            // Spend of $1.50 is 75 % of $2: the 50 % threshold is crossed, and its alert is delivered to the webhook.
            var project = await Seed.DefaultProjectAsync(fixture.App);
            var now = DateTime.UtcNow;
            var root = TestSpans.Root(project, 9101, 1, "checkout", now.AddSeconds(-2), team: Team);
            var chat = TestSpans.Chat(project, 9101, 2, 1, "checkout", now.AddSeconds(-1), "openai", "gpt-4o", 1.5m);
            chat.Billing = true;
            chat.Team = Team;
            await Seed.WriteAsync(fixture.App, [root, chat]);
            await row.GetByRole(AriaRole.Link, new() { Name = "E2E monthly", Exact = true }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("E2E monthly");
            await Eventually.TrueAsync(async () =>
            {
                await page.ReloadAsync();
                return await page.Locator("[data-testid=delivery] [data-field=delivery-status]", new() { HasText = "delivered" }).CountAsync() > 0;
            }, TimeSpan.FromSeconds(40), "The delivery shown as delivered");
            var alertRows = page.Locator("[data-testid=alert-table] tbody tr");
            await Expect(alertRows).ToHaveCountAsync(1);
            await Expect(alertRows.First.Locator("td").Nth(1)).ToHaveTextAsync("50 %");
            await Expect(alertRows.First.Locator("[data-testid=delivery]")).ToContainTextAsync(hook.Url);
            hook.Bodies.Count.ShouldBe(2);
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.GetByTestId("budget-actions").GetByRole(AriaRole.Button)).ToHaveTextAsync(["Edit", "Send a test alert", "Delete"]);
            await BrowserFixture.ScreenshotAsync(page, "budget-detail");

            // Delete, after confirming.
            await page.GotoAsync("/admin/budgets");
            await WaitForBudgetsAsync(page);
            await row.GetByRole(AriaRole.Button, new() { Name = "Delete budget E2E monthly" }).ClickAsync();
            var confirm = page.Locator(".mud-dialog", new() { HasText = "Delete budget E2E monthly?" });
            await Expect(confirm).ToContainTextAsync("Its alert history is deleted with it.");
            await Expect(row).ToHaveCountAsync(1);
            await BrowserFixture.ScreenshotAsync(page, "budget-delete-confirm");
            await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete E2E monthly" }).ClickAsync();
            await ExpectSnackbarAsync(page, "Deleted budget E2E monthly.");
            await Expect(row).ToHaveCountAsync(0);

            // The audit log, filtered to the budgets area, lists the three changes newest first.
            await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Audit log");
            await Expect(page.GetByTestId("audit-page")).ToHaveAttributeAsync("data-interactive", "true");
            // The filter's fields are single-line boxes (a size meant for their width once made them hundreds of pixels tall).
            var boxes = await page.GetByTestId("audit-filter").Locator(".mud-input.mud-input-outlined").EvaluateAllAsync<int[]>("boxes => boxes.map(b => b.offsetHeight)");
            boxes.Length.ShouldBe(4);
            boxes.ShouldAllBe(height => height <= 56, $"heights {string.Join(", ", boxes)} px");
            await page.GetByLabel("Action or area").FillAsync("budgets");
            await page.GetByLabel("Actor").FillAsync(RunningApp.AdminUser);
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("action=budgets"));
            await Expect(page.Locator("[data-testid=audit-table] td[data-field=action]")).ToHaveTextAsync(["budgets.delete", "budgets.update", "budgets.add"]);
            var update = page.Locator("[data-testid=audit-table] tbody tr", new() { Has = page.Locator("td[data-field=action]", new() { HasTextString = "budgets.update" }) });
            await update.Locator("summary", new() { HasText = "after" }).ClickAsync();
            await Expect(update.Locator("pre[data-field=after]")).ToContainTextAsync("\"amountUsd\": 2");
            await BrowserFixture.ScreenshotAsync(page, "audit-log");
        }
        finally
        {
            await Seed.RemoveSpansAsync(fixture.App);
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_form_with_mistakes_shows_each_problem_under_its_field()
    {
        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/admin/budgets");
        await WaitForBudgetsAsync(page);

        await page.GetByTestId("create-budget").ClickAsync();
        await ChooseAsync(page, "b-scope", "team");
        await page.GetByLabel("Amount, US $").FillAsync("0");
        await page.GetByLabel("Alert at, % of amount").FillAsync("50, lots");
        await page.Locator(".budget-dialog").GetByRole(AriaRole.Button, new() { Name = "Create budget" }).ClickAsync();

        await Expect(ProblemUnder(page, "b-key")).ToHaveTextAsync("Give the team the budget limits, for example checkout.");
        await Expect(ProblemUnder(page, "b-amount")).ToHaveTextAsync("Give the amount in US dollars, greater than 0, for example 500.");
        await Expect(ProblemUnder(page, "b-thresholds")).ToHaveTextAsync("Give the thresholds as percentages separated by commas, for example 50, 80, 100.");
        await Expect(ProblemUnder(page, "b-period")).ToHaveCountAsync(0);
        await Expect(page.Locator(".budget-dialog")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "budget-dialog-problems");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_sees_budgets_but_no_buttons_to_change_them_and_no_audit_log()
    {
        const string viewerName = "vera-viewer";
        const string viewerPassword = "viewer-password-123";
        using (var scope = fixture.App.App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByNameAsync(viewerName) is null)
            {
                var user = new IdentityUser(viewerName);
                (await users.CreateAsync(user, viewerPassword)).Succeeded.ShouldBeTrue();
                (await users.AddToRoleAsync(user, Roles.Viewer)).Succeeded.ShouldBeTrue();
            }

            var store = scope.ServiceProvider.GetRequiredService<BudgetStore>();
            var (definition, errors) = BudgetRules.Check(new BudgetInput(null, "Search weekly", "feature", "search", "weekly", 300m, null, null, null, null), "default", false);
            errors.ShouldBeEmpty();
            await store.CreateAsync(definition!, "seed");
        }

        var page = await fixture.NewSignedInPageAsync(viewerName, viewerPassword);
        try
        {
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Attribution", Exact = true })).ToHaveCountAsync(0);
            await OpenBudgetsFromTheDrawerAsync(page);

            var row = Row(page, "Search weekly");
            await Expect(row.Locator("[data-field=amount]")).ToHaveTextAsync("$300.00");
            await Expect(page.GetByTestId("create-budget")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("budget-actions")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Actions" })).ToHaveCountAsync(0);
            await Expect(page.Locator("main form")).ToHaveCountAsync(0);
            await ExpectNothingToScrollSidewaysAsync(page);
            await BrowserFixture.ScreenshotAsync(page, "budgets-viewer");

            await row.GetByRole(AriaRole.Link, new() { Name = "Search weekly", Exact = true }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Search weekly");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.GetByTestId("budget-summary")).ToContainTextAsync("feature search");
            await Expect(page.GetByTestId("budget-actions")).ToHaveCountAsync(0);

            // The rules page reads, without forms; the audit log is refused.
            await page.GotoAsync("/admin/attribution");
            (await page.Locator("h1").TextContentAsync()).ShouldBe("Attribution rules");
            (await page.Locator("main form").CountAsync()).ShouldBe(0);
            await page.GotoAsync("/admin/audit");
            (await page.Locator("h1").TextContentAsync()).ShouldBe("Not allowed");
            (await page.GetByTestId("audit-table").CountAsync()).ShouldBe(0);
        }
        finally
        {
            using var scope = fixture.App.App.Services.CreateScope();
            var store = scope.ServiceProvider.GetRequiredService<BudgetStore>();
            foreach (var budget in (await store.ListAsync()).Where(b => b.Name == "Search weekly"))
            {
                await store.DeleteAsync(budget.Id, "seed");
            }

            await page.CloseAsync();
        }
    }

    /// <summary>From the interactive home page: its circuit first (a click before it is lost), then the link, then the budgets over their own circuit.</summary>
    private static async Task OpenBudgetsFromTheDrawerAsync(IPage page)
    {
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Budgets", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/budgets");
        await WaitForBudgetsAsync(page);
    }

    private static async Task WaitForBudgetsAsync(IPage page)
    {
        await Expect(page.Locator("h1")).ToHaveTextAsync("Budgets");
        await Expect(page.GetByTestId("budgets-page")).ToHaveAttributeAsync("data-interactive", "true");
    }

    private static Task ExpectNothingToScrollSidewaysAsync(IPage page) => PageChecks.NothingScrollsSidewaysAsync(page, page.GetByTestId("budget-grid"));

    private static ILocator Row(IPage page, string name) =>
        page.GetByTestId("budget-grid").Locator("tbody tr", new() { Has = page.Locator("[data-field=name]", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });
}
