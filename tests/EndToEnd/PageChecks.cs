using Microsoft.Playwright;

namespace Tollgate.EndToEnd;

/// <summary>Accessibility basics every page must meet: landmarks, and a name for every form field.</summary>
internal static class PageChecks
{
    public static async Task LandmarksAndLabelsAsync(IPage page)
    {
        (await page.Locator("header").CountAsync()).ShouldBe(1);
        (await page.Locator("nav[aria-label=Main]").CountAsync()).ShouldBe(1);
        (await page.Locator("main#main").CountAsync()).ShouldBe(1);
        (await page.Locator("a[href='#main']").CountAsync()).ShouldBe(1, "skip link");
        var unnamed = await page.EvaluateAsync<string[]>("""
            () => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
                .map(el => el.id || el.name || el.outerHTML)
            """);
        unnamed.ShouldBeEmpty("form fields without an accessible name");
    }

    /// <summary>Presses Tab until the element with the id has focus (the keyboard path a user takes).</summary>
    public static async Task TabToAsync(IPage page, string id, int maxTabs = 60)
    {
        for (var i = 0; i < maxTabs; i++)
        {
            if (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") == id)
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        throw new ShouldAssertException($"Tab never reached #{id} in {maxTabs} presses.");
    }
}
