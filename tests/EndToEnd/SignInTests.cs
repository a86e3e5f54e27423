namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_new_admin_signs_in_and_sees_what_to_do_first()
    {
        var page = await fixture.NewSignedInPageAsync();

        (await page.Locator("h1").TextContentAsync()).ShouldBe("Weekly spend");
        (await page.Locator(".empty h2").TextContentAsync()).ShouldBe("No spans yet");
        (await page.Locator("main").CountAsync()).ShouldBe(1);
        (await page.Locator("nav[aria-label=Main]").CountAsync()).ShouldBe(1);
        await BrowserFixture.ScreenshotAsync(page, "home-empty");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_sign_in_form_works_from_the_keyboard_alone()
    {
        var page = await fixture.Browser.NewPageAsync(new() { BaseURL = fixture.App.BaseAddress.ToString() });
        await page.GotoAsync("/account/login");

        var tabs = 0;
        while (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") != "user" && tabs < 10)
        {
            await page.Keyboard.PressAsync("Tab");
            tabs++;
        }

        tabs.ShouldBeLessThan(10, "Tab never reached the user name field");
        await page.Keyboard.TypeAsync(Testing.RunningApp.AdminUser);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Testing.RunningApp.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(fixture.App.BaseAddress.ToString());

        (await page.Locator("h1").TextContentAsync()).ShouldBe("Weekly spend");
        await page.CloseAsync();
    }
}
