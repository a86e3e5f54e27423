using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Budgets;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

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
            await page.GetByRole(AriaRole.Link, new() { Name = "Budgets", Exact = true }).ClickAsync();
            await page.WaitForURLAsync("**/admin/budgets");
            // From the interactive home page the address changes before the budgets page has loaded.
            await Expect(page.Locator("h1")).ToHaveTextAsync("Budgets");
            await AssertEveryFieldHasANameAsync(page, "#budget-form");

            // Create: one team (so that spend written by other tests cannot count), monthly, $1; default thresholds 50, 80, 100 %.
            await page.GetByLabel("Scope").SelectOptionAsync("team");
            await page.GetByLabel("Team, feature or customer").FillAsync(Team);
            await page.GetByLabel("Period").SelectOptionAsync("monthly");
            await page.GetByLabel("Amount, US $").FillAsync("1");
            await page.GetByLabel("Name (optional)").FillAsync("E2E monthly");
            await page.GetByLabel("Webhook URL (JSON)").FillAsync(hook.Url);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create budget" }).ClickAsync();
            (await page.GetByTestId("budget-status").TextContentAsync()).ShouldBe("Created budget E2E monthly.");
            var row = page.Locator("tr[data-budget='E2E monthly']");
            (await row.Locator("[data-field=amount]").TextContentAsync()).ShouldBe("$1.00");
            (await row.Locator("[data-field=state]").TextContentAsync()).ShouldBe("ok");

            // Edit: the amount becomes $2 and the thresholds 50 and 100 %.
            await row.GetByRole(AriaRole.Link, new() { Name = "Edit budget E2E monthly" }).ClickAsync();
            (await page.Locator("#form-title").TextContentAsync()).ShouldBe("Edit budget E2E monthly");
            (await page.GetByLabel("Alert at, % of amount").InputValueAsync()).ShouldBe("50, 80, 100");
            await page.GetByLabel("Amount, US $").FillAsync("2");
            await page.GetByLabel("Alert at, % of amount").FillAsync("50, 100");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save budget" }).ClickAsync();
            (await page.GetByTestId("budget-status").TextContentAsync()).ShouldBe("Saved budget E2E monthly.");
            (await row.Locator("[data-field=amount]").TextContentAsync()).ShouldBe("$2.00");

            // A test alert goes to the webhook at once and the page says so.
            await row.GetByRole(AriaRole.Button, new() { Name = "Send a test alert for E2E monthly" }).ClickAsync();
            (await page.GetByTestId("budget-status").TextContentAsync()).ShouldBe($"Test alert of E2E monthly: webhook {hook.Url} delivered (status 200).");
            hook.Bodies.Count.ShouldBe(1);
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
            await Eventually.TrueAsync(async () =>
            {
                await page.ReloadAsync();
                return await page.Locator("[data-testid=delivery] [data-field=delivery-status]", new() { HasText = "delivered" }).CountAsync() > 0;
            }, TimeSpan.FromSeconds(40), "The delivery shown as delivered");
            var alertRows = page.Locator("[data-testid=alert-table] tbody tr");
            (await alertRows.CountAsync()).ShouldBe(1);
            (await alertRows.First.Locator("td").Nth(1).TextContentAsync()).ShouldBe("50 %");
            (await alertRows.First.Locator("[data-testid=delivery]").TextContentAsync() ?? "").ShouldContain(hook.Url);
            hook.Bodies.Count.ShouldBe(2);
            await BrowserFixture.ScreenshotAsync(page, "budget-history");

            // Delete, after confirming.
            await page.GotoAsync("/admin/budgets");
            await row.GetByRole(AriaRole.Link, new() { Name = "Delete budget E2E monthly" }).ClickAsync();
            (await page.GetByTestId("delete-confirm").Locator("h2").TextContentAsync()).ShouldBe("Delete budget E2E monthly?");
            (await row.CountAsync()).ShouldBe(1);
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete E2E monthly" }).ClickAsync();
            (await page.GetByTestId("budget-status").TextContentAsync()).ShouldBe("Deleted budget E2E monthly.");
            (await row.CountAsync()).ShouldBe(0);

            // The audit log, filtered to the budgets area, lists the three changes newest first.
            await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).ClickAsync();
            await page.GetByLabel("Action or area").FillAsync("budgets");
            await page.GetByLabel("Actor").FillAsync(RunningApp.AdminUser);
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("action=budgets"));
            var actions = await page.Locator("[data-testid=audit-table] td[data-field=action]").AllTextContentsAsync();
            actions.ShouldBe(["budgets.delete", "budgets.update", "budgets.add"]);
            var update = page.Locator("tr[data-action='budgets.update']");
            await update.Locator("summary", new() { HasText = "after" }).ClickAsync();
            (await update.Locator("pre[data-field=after]").TextContentAsync() ?? "").ShouldContain("\"amountUsd\": 2");
            await BrowserFixture.ScreenshotAsync(page, "audit-log");
        }
        finally
        {
            await Seed.RemoveSpansAsync(fixture.App);
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_form_with_mistakes_shows_each_problem_beside_its_field()
    {
        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/admin/budgets");

        await page.GetByLabel("Scope").SelectOptionAsync("team");
        await page.GetByLabel("Amount, US $").FillAsync("0");
        await page.GetByLabel("Alert at, % of amount").FillAsync("50, lots");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create budget" }).ClickAsync();

        (await page.Locator("#b-key ~ .invalid-feedback").TextContentAsync()).ShouldBe("Give the team the budget limits, for example checkout.");
        (await page.Locator("#b-amount ~ .invalid-feedback").TextContentAsync()).ShouldBe("Give the amount in US dollars, greater than 0, for example 500.");
        (await page.Locator("#b-thresholds ~ .invalid-feedback").TextContentAsync()).ShouldBe("Give the thresholds as percentages separated by commas, for example 50, 80, 100.");
        (await page.GetByTestId("budget-table").CountAsync()).ShouldBe(0);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_sees_budgets_but_no_forms_and_no_audit_log()
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
            (await page.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).CountAsync()).ShouldBe(0);
            (await page.GetByRole(AriaRole.Link, new() { Name = "Attribution", Exact = true }).CountAsync()).ShouldBe(0);
            await page.GetByRole(AriaRole.Link, new() { Name = "Budgets", Exact = true }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Budgets");

            var row = page.Locator("tr[data-budget='Search weekly']");
            (await row.Locator("[data-field=amount]").TextContentAsync()).ShouldBe("$300.00");
            (await page.Locator("main form").CountAsync()).ShouldBe(0);
            (await page.GetByRole(AriaRole.Button, new() { Name = "Create budget" }).CountAsync()).ShouldBe(0);
            (await page.Locator("main input, main select").CountAsync()).ShouldBe(0);
            await BrowserFixture.ScreenshotAsync(page, "budgets-viewer");

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

    /// <summary>Every visible input and select of the section has a label or an aria-label: a name for assistive technology.</summary>
    internal static async Task AssertEveryFieldHasANameAsync(IPage page, string section)
    {
        var unnamed = await page.EvaluateAsync<string[]>($$"""
            () => [...document.querySelectorAll('{{section}} input:not([type=hidden]), {{section}} select, {{section}} textarea')]
                .filter(e => !(e.labels && e.labels.length && e.labels[0].textContent.trim()) && !e.getAttribute('aria-label'))
                .map(e => e.id || e.name)
            """);
        unnamed.ShouldBeEmpty();
        (await page.Locator("header nav[aria-label=Main]").CountAsync()).ShouldBe(1);
        (await page.Locator("main").CountAsync()).ShouldBe(1);
    }
}
