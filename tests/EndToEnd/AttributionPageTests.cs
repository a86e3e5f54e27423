using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;
using static Tollgate.EndToEnd.MudControls;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AttributionPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_admin_adds_a_rule_from_the_keyboard_edits_it_deletes_it_and_a_linked_audit_view_lists_the_changes()
    {
        var page = await fixture.NewSignedInPageAsync();
        try
        {
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GetByRole(AriaRole.Link, new() { Name = "Attribution", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/admin/attribution$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Attribution rules");
            await Expect(page.GetByTestId("rules-page")).ToHaveAttributeAsync("data-interactive", "true");
            await PageChecks.LandmarksAndLabelsAsync(page);

            // From the keyboard: the button opens the dialog; a key with a space is refused beside the field.
            await page.GetByTestId("add-rule").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            var dialog = page.Locator(".rule-dialog");
            await Expect(dialog.Locator(".mud-dialog-title")).ToHaveTextAsync("Add a rule");
            await PageChecks.LandmarksAndLabelsAsync(page);
            await page.GetByLabel("Attribute key").FillAsync("app squad");
            await page.GetByLabel("Attribute key").PressAsync("Enter");
            await Expect(ProblemUnder(page, "r-key"))
                .ToHaveTextAsync("Give the attribute key as your spans carry it, 1 to 64 characters without spaces, for example app.squad.");
            await Expect(page.GetByTestId("rule-grid")).ToHaveCountAsync(0);

            // Enter in the key field adds the rule.
            await ChooseAsync(page, "r-target", "customer");
            await page.GetByLabel("Attribute key").FillAsync("billing.account");
            await page.GetByLabel("Attribute key").PressAsync("Enter");
            await ExpectSnackbarAsync(page, "Added: attribute billing.account is read as customer.");
            await Expect(dialog).ToHaveCountAsync(0);
            var row = page.GetByTestId("rule-grid").Locator("tbody tr", new() { Has = page.Locator("[data-field=key]", new() { HasTextString = "billing.account" }) });
            await Expect(row.Locator("[data-field=order]")).ToHaveTextAsync("1");
            await Expect(row.Locator("[data-field=target]")).ToHaveTextAsync("customer");
            await Expect(row.Locator("[data-field=created-by]")).ToHaveTextAsync(RunningApp.AdminUser);
            await BrowserFixture.ScreenshotAsync(page, "attribution-rules");

            // Edit: the key is read as a team from now on.
            await row.GetByRole(AriaRole.Button, new() { Name = "Edit rule billing.account" }).ClickAsync();
            await Expect(dialog.Locator(".mud-dialog-title")).ToHaveTextAsync("Edit the rule for billing.account");
            await ChooseAsync(page, "r-target", "team");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
            await ExpectSnackbarAsync(page, "Saved: attribute billing.account is read as team.");
            await Expect(row.Locator("[data-field=target]")).ToHaveTextAsync("team");

            // Delete, after confirming.
            await row.GetByRole(AriaRole.Button, new() { Name = "Delete rule billing.account" }).ClickAsync();
            var confirm = page.Locator(".mud-dialog", new() { HasText = "Delete the rule for billing.account?" });
            await Expect(confirm).ToContainTextAsync("stored spans keep their attribution");
            await BrowserFixture.ScreenshotAsync(page, "attribution-delete-confirm");
            await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete rule" }).ClickAsync();
            await ExpectSnackbarAsync(page, "Deleted the rule for billing.account.");
            await Expect(row).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("no-rules")).ToBeVisibleAsync();

            // A filtered audit view, opened from its address, fills its form and lists the three changes newest first.
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await page.GotoAsync($"/admin/audit?action=attribution-rules&actor={RunningApp.AdminUser}&to={today}");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Audit log");
            await Expect(page.GetByLabel("Action or area")).ToHaveValueAsync("attribution-rules");
            await Expect(page.Locator("[data-testid=audit-table] td[data-field=action]"))
                .ToHaveTextAsync(["attribution-rules.delete", "attribution-rules.update", "attribution-rules.add"]);
            var update = page.Locator("[data-testid=audit-table] tbody tr", new() { Has = page.Locator("td[data-field=action]", new() { HasTextString = "attribution-rules.update" }) });
            await update.Locator("summary", new() { HasText = "after" }).ClickAsync();
            await Expect(update.Locator("pre[data-field=after]")).ToContainTextAsync("\"target\": \"team\"");
            await PageChecks.LandmarksAndLabelsAsync(page);
            await BrowserFixture.ScreenshotAsync(page, "audit-attribution");

            // A range of days that ends before it starts is named beside its field, and nothing is read.
            await page.GetByLabel("From day").FillAsync("2026-12-31");
            await page.GetByLabel("To day (included)").FillAsync("2026-12-01");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("from=2026-12-31"));
            await Expect(ProblemUnder(page, "a-to")).ToHaveTextAsync("Give a last day on or after the first day.");
            await Expect(page.GetByTestId("audit-table")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
