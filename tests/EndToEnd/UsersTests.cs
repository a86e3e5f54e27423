using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Dashboard.Web.Accounts;
using static Microsoft.Playwright.Assertions;
using static Tollgate.EndToEnd.MudControls;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class UsersTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_admin_creates_a_pm_who_signs_in_without_seeing_admin_forms_and_then_promotes_them()
    {
        var admin = await fixture.NewSignedInPageAsync();
        await OpenUsersAsync(admin);
        await PageChecks.LandmarksAndLabelsAsync(admin);

        // A password below the 12-character minimum is refused under the field.
        await admin.GetByTestId("create-user").ClickAsync();
        var dialog = admin.Locator(".user-dialog");
        await Expect(dialog.Locator("#user-dialog-title")).ToHaveTextAsync("Create a user");
        await admin.GetByLabel("User name", new() { Exact = true }).FillAsync("pm-e2e");
        await admin.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await ChooseAsync(admin, "u-role", "pm");
        await PageChecks.LandmarksAndLabelsAsync(admin);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(ProblemUnder(admin, "u-password")).ToContainTextAsync("12");

        // Keyboard: from the password field, replace it and press Enter on the button.
        await admin.GetByLabel("Password", new() { Exact = true }).FillAsync("pm-password-long-enough");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create user" }).FocusAsync();
        await admin.Keyboard.PressAsync("Enter");
        await ExpectSnackbarAsync(admin, "Created pm-e2e as pm.");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Row(admin, "pm-e2e").Locator("[data-field=role]")).ToHaveTextAsync("pm");
        (await fixture.App.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'users.add' AND subject = 'users/pm-e2e' AND after->>'userName' = 'pm-e2e' AND after->>'role' = 'pm' AND actor = 'admin'")).ShouldBe(1);
        await BrowserFixture.ScreenshotAsync(admin, "users-created-pm");

        var pm = await fixture.NewSignedInPageAsync("pm-e2e", "pm-password-long-enough");
        await Expect(pm.GetByTestId("user-role")).ToHaveTextAsync("pm");
        (await pm.Locator("nav[aria-label=Main] a[href='/admin/users']").CountAsync()).ShouldBe(0);
        await PricesTests.OpenPricesAsync(pm);
        await Expect(pm.GetByTestId("add-price")).ToHaveCountAsync(0);
        await Expect(pm.GetByTestId("import-price-file")).ToHaveCountAsync(0);
        await pm.GotoAsync("/admin/users");
        await Expect(pm.Locator("h1")).ToHaveTextAsync("Not allowed");
        await Expect(pm.GetByTestId("user-grid")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(pm, "users-pm-denied");
        await pm.CloseAsync();

        // The admin promotes the PM to lead from the row's dialog; the change is audited with the role before and after.
        await Row(admin, "pm-e2e").GetByRole(AriaRole.Button, new() { Name = "Change the role of pm-e2e" }).ClickAsync();
        var roleDialog = admin.Locator(".role-dialog");
        await Expect(roleDialog).ToContainTextAsync("pm-e2e is pm now.");
        await ChooseAsync(admin, "r-role", "lead");
        await BrowserFixture.ScreenshotAsync(admin, "users-role-dialog");
        await roleDialog.GetByRole(AriaRole.Button, new() { Name = "Make pm-e2e lead" }).ClickAsync();
        await ExpectSnackbarAsync(admin, "pm-e2e is now lead.");
        await Expect(Row(admin, "pm-e2e").Locator("[data-field=role]")).ToHaveTextAsync("lead");
        (await fixture.App.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'users.role' AND subject = 'users/pm-e2e' AND before->>'role' = 'pm' AND after->>'role' = 'lead' AND actor = 'admin'")).ShouldBe(1);
        await admin.CloseAsync();
    }

    [Fact]
    public async Task The_only_admin_is_told_why_they_cannot_step_down()
    {
        var page = await fixture.NewSignedInPageAsync();
        await OpenUsersAsync(page);

        await Row(page, "admin").GetByRole(AriaRole.Button, new() { Name = "Change the role of admin" }).ClickAsync();
        var dialog = page.Locator(".role-dialog");
        await ChooseAsync(page, "r-role", "viewer");
        await Expect(dialog.GetByTestId("self-demotion")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Make admin viewer" }).ClickAsync();

        await Expect(dialog.GetByTestId("role-problem")).ToHaveTextAsync("admin is the only admin; make someone else admin first.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Row(page, "admin").Locator("[data-field=role]")).ToHaveTextAsync("admin");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_reset_password_is_shown_once_and_signs_in_and_a_disabled_user_cannot_sign_in()
    {
        await using (var scope = fixture.App.App.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync("reset-e2e", "first-password-long", Roles.Viewer, null, "seed");
            created.Succeeded.ShouldBeTrue();
        }

        var admin = await fixture.NewSignedInPageAsync();
        await OpenUsersAsync(admin);
        await Row(admin, "reset-e2e").GetByRole(AriaRole.Button, new() { Name = "Reset the password of reset-e2e" }).ClickAsync();
        await admin.Locator(".mud-dialog", new() { HasText = "Reset the password of reset-e2e?" }).GetByRole(AriaRole.Button, new() { Name = "Reset the password" }).ClickAsync();
        var secret = admin.GetByTestId("new-password");
        await Expect(secret).ToHaveTextAsync(new Regex("^[A-Za-z0-9]{20}$"));
        var password = await secret.TextContentAsync() ?? "";
        await BrowserFixture.ScreenshotAsync(admin, "users-new-password");
        await admin.GetByTestId("close-password").ClickAsync();
        await Expect(secret).ToHaveCountAsync(0);

        var user = await fixture.NewSignedInPageAsync("reset-e2e", password);
        await Expect(user.GetByTestId("user-name")).ToHaveTextAsync("reset-e2e");
        await user.CloseAsync();

        await Row(admin, "reset-e2e").GetByRole(AriaRole.Button, new() { Name = "Disable reset-e2e" }).ClickAsync();
        await admin.Locator(".mud-dialog", new() { HasText = "Disable reset-e2e?" }).GetByRole(AriaRole.Button, new() { Name = "Disable reset-e2e" }).ClickAsync();
        await ExpectSnackbarAsync(admin, "reset-e2e is disabled: they can no longer sign in.");
        await Expect(Row(admin, "reset-e2e").Locator("[data-field=status]")).ToHaveTextAsync("disabled");

        var refused = await fixture.NewPageAsync(fixture.App);
        await refused.GotoAsync("/");
        await refused.GetByLabel("User name").FillAsync("reset-e2e");
        await refused.GetByLabel("Password").FillAsync(password);
        await refused.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(refused.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This login is disabled. Ask an admin to enable it.");
        await refused.CloseAsync();
        await admin.CloseAsync();
    }

    private static async Task OpenUsersAsync(IPage page)
    {
        await page.GotoAsync("/admin/users");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        await Expect(page.GetByTestId("users-page")).ToHaveAttributeAsync("data-interactive", "true");
    }

    private static ILocator Row(IPage page, string name) =>
        page.GetByTestId("user-grid").Locator("tbody tr", new() { Has = page.Locator("[data-field=name]", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });
}
