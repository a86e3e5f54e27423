using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class UsersTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_admin_creates_a_pm_who_signs_in_without_seeing_admin_forms()
    {
        var admin = await fixture.NewSignedInPageAsync();
        await admin.GotoAsync("/admin/users");
        await PageChecks.LandmarksAndLabelsAsync(admin);

        // A password below the 12-character minimum is refused next to the field.
        await admin.GetByLabel("User name").FillAsync("pm-e2e");
        await admin.GetByLabel("Password").FillAsync("short");
        await admin.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("pm");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(admin.Locator("#u-password ~ .invalid-feedback")).ToContainTextAsync("12");

        await PageChecks.TabToAsync(admin, "u-name");
        await admin.Keyboard.PressAsync("Control+A");
        await admin.Keyboard.TypeAsync("pm-e2e");
        await admin.Keyboard.PressAsync("Tab");
        await admin.Keyboard.TypeAsync("pm-password-long-enough");
        await admin.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("pm");
        await admin.GetByLabel("Password").PressAsync("Enter");
        await Expect(admin.GetByTestId("user-status")).ToContainTextAsync("Created pm-e2e as pm");
        await Expect(admin.Locator("tr[data-user=pm-e2e] [data-field=role]")).ToHaveTextAsync("pm");
        (await fixture.App.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'users.add' AND subject = 'users/pm-e2e' AND after->>'userName' = 'pm-e2e' AND after->>'role' = 'pm' AND actor = 'admin'")).ShouldBe(1);
        await BrowserFixture.ScreenshotAsync(admin, "users-created-pm");

        var pm = await fixture.NewSignedInPageAsync("pm-e2e", "pm-password-long-enough");
        await Expect(pm.GetByTestId("user-role")).ToHaveTextAsync("pm");
        (await pm.Locator("nav[aria-label=Main] a[href='/admin/users']").CountAsync()).ShouldBe(0);
        await pm.GotoAsync("/admin/prices");
        await Expect(pm.Locator("h1")).ToHaveTextAsync("Prices");
        (await pm.Locator("#add-price").CountAsync()).ShouldBe(0);
        await pm.GotoAsync("/admin/users");
        await Expect(pm.Locator("h1")).ToHaveTextAsync("Not allowed");
        (await pm.Locator("#u-name").CountAsync()).ShouldBe(0);
        await BrowserFixture.ScreenshotAsync(pm, "users-pm-denied");
        await pm.CloseAsync();

        // The admin promotes the PM to lead; the change is audited with the role before and after.
        var row = admin.Locator("tr[data-user=pm-e2e]");
        await row.Locator("select").SelectOptionAsync("lead");
        await row.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(admin.GetByTestId("user-status")).ToContainTextAsync("pm-e2e is now lead");
        await Expect(admin.Locator("tr[data-user=pm-e2e] [data-field=role]")).ToHaveTextAsync("lead");
        (await fixture.App.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'users.role' AND subject = 'users/pm-e2e' AND before->>'role' = 'pm' AND after->>'role' = 'lead' AND actor = 'admin'")).ShouldBe(1);
        await admin.CloseAsync();
    }
}
