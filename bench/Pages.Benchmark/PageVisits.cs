using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Tollgate.Pages.Benchmark;

/// <summary>p50 and p95 of a set of timings, in milliseconds.</summary>
internal readonly record struct Percentiles(double P50, double P95)
{
    public static Percentiles Of(List<double> times)
    {
        if (times.Count == 0)
        {
            return new(double.NaN, double.NaN);
        }

        times.Sort();
        return new(times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)]);
    }

    public override string ToString() => double.IsNaN(P50) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{P50:F0} / {P95:F0}");
}

/// <summary>What one page's loads took: HTML received, first contentful paint, circuit up, figures shown.</summary>
internal sealed record PageTimes(Percentiles Html, Percentiles FirstPaint, Percentiles Interactive, Percentiles Figures);

/// <summary>A signed-in browser context that loads pages and reads, from the page itself, when each stage happened.</summary>
internal sealed class PageVisits(IBrowserContext context)
{
    // The interactive layout marks itself data-interactive="true" once its circuit renders it.
    private const string Interactive = "[data-interactive=true]";
    private readonly List<IPage> _open = [];

    public static async Task<PageVisits> SignInAsync(IBrowser browser, Uri baseAddress, string user, string password)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(baseAddress.ToString());
        await page.CloseAsync(new() { RunBeforeUnload = true });
        return new PageVisits(context);
    }

    /// <summary>
    /// Loads <paramref name="path"/> <paramref name="count"/> times (after three loads to warm up) and
    /// reads each stage's time from the page's own clock (ms since navigation start). Each load is in
    /// a new tab, or, with <paramref name="openTab"/>, in a tab already open on another page of the
    /// dashboard (as when a bookmark or a link is followed in a browser already in use: no new
    /// renderer process to start). A page without a circuit is interactive once loaded (its scripts have run).
    /// </summary>
    public async Task<PageTimes> MeasureAsync(string path, int count, string figures, bool openTab = false)
    {
        List<double> html = [], paint = [], interactive = [], shown = [];
        for (var i = 0; i < count + 3; i++)
        {
            var page = await context.NewPageAsync();
            if (openTab)
            {
                await page.GotoAsync("/health/live");
            }

            // Notes the first moment each watched selector matches, from before the document exists.
            await page.AddInitScriptAsync(WatchScript([Interactive, figures]));
            await page.GotoAsync(path);
            var circuit = await page.Locator("script[src*='blazor.web.js']").CountAsync() > 0;
            if (circuit)
            {
                await page.WaitForSelectorAsync(Interactive, new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            }

            await page.WaitForSelectorAsync(figures, new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            // Polled from here: a polling wait inside the page needs eval, which the dashboard's CSP forbids.
            while (!await page.EvaluateAsync<bool>("() => performance.getEntriesByName('first-contentful-paint').length > 0"))
            {
                await Task.Delay(20);
            }

            var stages = await page.EvaluateAsync<JsonElement>($$"""
                () => ({
                    html: performance.getEntriesByType('navigation')[0].responseEnd,
                    paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                    interactive: window.__tgSeen[{{JsonSerializer.Serialize(Interactive)}}] ?? performance.getEntriesByType('navigation')[0].loadEventEnd,
                    figures: window.__tgSeen[{{JsonSerializer.Serialize(figures)}}] ?? -1,
                })
                """);
            await page.CloseAsync(new() { RunBeforeUnload = true });
            if (i < 3)
            {
                continue;
            }

            html.Add(stages.GetProperty("html").GetDouble());
            paint.Add(stages.GetProperty("paint").GetDouble());
            interactive.Add(stages.GetProperty("interactive").GetDouble());

            shown.Add(stages.GetProperty("figures").GetDouble());
        }

        return new PageTimes(Percentiles.Of(html), Percentiles.Of(paint), Percentiles.Of(interactive), Percentiles.Of(shown));
    }

    /// <summary>Opens <paramref name="count"/> tabs on <paramref name="path"/> and keeps them open, each once its circuit is up.</summary>
    public async Task<int> OpenInteractiveTabsAsync(string path, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
            _open.Add(page);
            await page.GotoAsync(path);
            try
            {
                await page.WaitForSelectorAsync(Interactive, new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"tab {i + 1} of {count} did not become interactive; its console: {string.Join(" | ", console)}", e);
            }
        }

        return _open.Count;
    }

    /// <summary>Closes every tab this opened; each tells the server its circuit is gone as it unloads.</summary>
    public async Task CloseAllAsync()
    {
        foreach (var page in _open)
        {
            await page.CloseAsync(new() { RunBeforeUnload = true });
        }

        _open.Clear();
    }

    private static string WatchScript(string[] selectors) => $$"""
        (() => {
            const selectors = {{JsonSerializer.Serialize(selectors)}};
            window.__tgSeen = {};
            const look = () => {
                for (const s of selectors) {
                    if (window.__tgSeen[s] === undefined && document.querySelector(s)) {
                        window.__tgSeen[s] = performance.now();
                    }
                }
            };
            new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
            look();
        })();
        """;
}
