namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_admin_signs_in_and_sees_the_home_page_with_their_name_and_role()
    {
        // Other tests of this shared app send spans, so whether the home page is still empty
        // depends on the order tests run in; the empty state is checked in Dashboard.Web.Tests.
        var page = await fixture.NewSignedInPageAsync();
        await BrowserFixture.WaitForCircuitAsync(page);

        (await page.Locator("h1").TextContentAsync()).ShouldBe("Weekly spend");
        (await page.GetByTestId("user-name").TextContentAsync()).ShouldBe(Testing.RunningApp.AdminUser);
        (await page.GetByTestId("user-role").TextContentAsync()).ShouldBe("admin");
        await PageChecks.LandmarksAndLabelsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "home");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_sign_in_form_works_from_the_keyboard_alone()
    {
        var page = await fixture.NewPageAsync(fixture.App);
        await page.GotoAsync("/account/login");

        var tabs = 0;
        while (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") != "user" && tabs < 10)
        {
            await page.Keyboard.PressAsync("Tab");
            tabs++;
        }

        tabs.ShouldBeLessThan(10, "Tab never reached the user name field");
        await BrowserFixture.ScreenshotAsync(page, "sign-in");
        await page.Keyboard.TypeAsync(Testing.RunningApp.AdminUser);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Testing.RunningApp.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(fixture.App.BaseAddress.ToString());

        (await page.Locator("h1").TextContentAsync()).ShouldBe("Weekly spend");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_sign_in_page_gets_its_icon_and_every_other_resource_it_asks_for()
    {
        var page = await fixture.NewPageAsync(fixture.App);
        var failed = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Add($"{response.Status} {response.Url}");
            }
        };
        var icon = page.WaitForResponseAsync(r => r.Url.Contains("favicon", StringComparison.Ordinal));

        await page.GotoAsync("/account/login", new() { WaitUntil = Microsoft.Playwright.WaitUntilState.NetworkIdle });

        (await icon).Status.ShouldBe(200);
        (await page.GetAttributeAsync("link[rel=icon]", "href") ?? "").ShouldStartWith("favicon");
        failed.ShouldBeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_said_on_the_page_styled_without_a_circuit()
    {
        var page = await fixture.NewPageAsync(fixture.App);
        await page.GotoAsync("/account/login");

        await page.GetByLabel("User name").FillAsync(Testing.RunningApp.AdminUser);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var alert = page.GetByRole(Microsoft.Playwright.AriaRole.Alert);
        await Microsoft.Playwright.Assertions.Expect(alert).ToHaveTextAsync("User name or password is wrong.");
        (await page.GetByLabel("User name").InputValueAsync()).ShouldBe(Testing.RunningApp.AdminUser);
        (await page.GetByLabel("Password").InputValueAsync()).ShouldBeEmpty("a password is never sent back to the browser");
        // The theme's palette reaches the static page: the message is in the theme's error colour, not the default black.
        (await alert.EvaluateAsync<string>("e => getComputedStyle(e).color")).ShouldNotBe("rgb(0, 0, 0)");
        // Blazor's script (at a fingerprinted address, blazor.web.<hash>.js) defines window.Blazor when it loads.
        (await page.EvaluateAsync<string>("typeof window.Blazor")).ShouldBe("undefined", "sign-in sets a cookie and must render without a circuit");
        (await page.Locator("script[src*='_framework/blazor.web.']").CountAsync()).ShouldBe(0);
        await BrowserFixture.ScreenshotAsync(page, "sign-in-wrong-password");
        await page.CloseAsync();
    }
}
