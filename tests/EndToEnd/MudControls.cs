using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

/// <summary>How a person works MudBlazor's controls in the browser, for the pages' tests.</summary>
internal static class MudControls
{
    /// <summary>
    /// Opens the select with test id <paramref name="select"/>, picks <paramref name="option"/>, and
    /// waits for the list to close and for the select to hold the focus again: the server gives it
    /// back after the list is gone, so a field focused or a key pressed before that is taken back or lost.
    /// </summary>
    public static async Task ChooseAsync(IPage page, string select, string option)
    {
        await page.GetByTestId(select).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId(select)).ToBeFocusedAsync();
    }

    public static Task ExpectSnackbarAsync(IPage page, string text) =>
        Expect(page.Locator(".mud-snackbar", new() { HasText = text })).ToBeVisibleAsync();

    /// <summary>The validation message MudBlazor shows under the field whose input has id <paramref name="inputId"/>.</summary>
    public static ILocator ProblemUnder(IPage page, string inputId) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator($"#{inputId}") }).Locator(".mud-input-helper-text.mud-input-error");
}
