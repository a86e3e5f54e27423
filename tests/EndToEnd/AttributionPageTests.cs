using Microsoft.Playwright;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AttributionPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_admin_adds_a_rule_from_the_keyboard_and_deletes_it()
    {
        var page = await fixture.NewSignedInPageAsync();
        try
        {
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GetByRole(AriaRole.Link, new() { Name = "Attribution", Exact = true }).ClickAsync();
            await page.WaitForURLAsync("**/admin/attribution");
            // From the interactive home page the address changes before the static page has loaded.
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Attribution rules");
            await PageChecks.EveryFieldHasANameAsync(page, "main");

            // A key with a space is refused beside the field.
            await page.GetByLabel("Attribute key").FillAsync("app squad");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
            (await page.Locator("#r-key ~ .invalid-feedback").TextContentAsync())
                .ShouldBe("Give the attribute key as your spans carry it, 1 to 64 characters without spaces, for example app.squad.");
            (await page.GetByTestId("rule-table").CountAsync()).ShouldBe(0);

            // Tab to the key field, type, choose the target, Enter submits.
            await page.GotoAsync("/admin/attribution");
            var tabs = 0;
            while (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") != "r-key" && tabs < 40)
            {
                await page.Keyboard.PressAsync("Tab");
                tabs++;
            }

            tabs.ShouldBeLessThan(40, "Tab never reached the attribute key field");
            await page.Keyboard.TypeAsync("billing.account");
            await page.GetByLabel("Read as").SelectOptionAsync("customer");
            await page.GetByLabel("Attribute key").PressAsync("Enter");
            (await page.GetByTestId("rule-status").TextContentAsync()).ShouldBe("Added: attribute billing.account is read as customer.");
            var row = page.Locator("tr[data-rule='billing.account']");
            (await row.Locator("td").Nth(2).TextContentAsync()).ShouldBe("customer");
            (await row.Locator("td").Nth(3).TextContentAsync()).ShouldBe(Testing.RunningApp.AdminUser);
            await BrowserFixture.ScreenshotAsync(page, "attribution-rules");

            await row.GetByRole(AriaRole.Button, new() { Name = "Delete rule billing.account" }).ClickAsync();
            (await page.GetByTestId("rule-status").TextContentAsync()).ShouldBe("Deleted the rule for billing.account.");
            (await page.Locator("tr[data-rule='billing.account']").CountAsync()).ShouldBe(0);

            await page.GotoAsync("/admin/audit?action=attribution-rules");
            (await page.Locator("[data-testid=audit-table] td[data-field=action]").AllTextContentsAsync())
                .ShouldBe(["attribution-rules.delete", "attribution-rules.add"]);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
