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

    /// <summary>Every visible input and select of the section has a label or an aria-label, and the static layout's landmarks are there.</summary>
    public static async Task EveryFieldHasANameAsync(IPage page, string section)
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

    /// <summary>
    /// At the tests' 1280 pixels every column of the table in <paramref name="container"/> shows:
    /// neither the table's container nor the page scrolls sideways.
    /// </summary>
    public static async Task NothingScrollsSidewaysAsync(IPage page, ILocator container)
    {
        var scroller = container.Locator(".mud-table-container");
        var widths = await scroller.EvaluateAsync<string>("e => `${e.scrollWidth} > ${e.clientWidth}: ` + [...e.querySelectorAll('thead th')].map(th => `${th.textContent.trim()} ${th.offsetWidth}`).join(', ')");
        (await scroller.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth")).ShouldBeTrue($"the table scrolls sideways: {widths}");
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the page scrolls sideways");
    }
}
