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

/// <summary>One page's stage times, load by load.</summary>
internal sealed class Samples
{
    private readonly List<double> _html = [], _paint = [], _interactive = [], _figures = [];

    /// <summary>Each load's stage times, in the order loaded, as CSV lines (html,paint,interactive,figures).</summary>
    public IEnumerable<string> Lines => _html.Select((_, i) => string.Create(CultureInfo.InvariantCulture,
        $"{_html[i]:F1},{_paint[i]:F1},{_interactive[i]:F1},{_figures[i]:F1}"));

    public void Add(JsonElement stages)
    {
        _html.Add(stages.GetProperty("html").GetDouble());
        _paint.Add(stages.GetProperty("paint").GetDouble());
        _interactive.Add(stages.GetProperty("interactive").GetDouble());
        _figures.Add(stages.GetProperty("figures").GetDouble());
    }

    public PageTimes Times() => new(Percentiles.Of([.. _html]), Percentiles.Of([.. _paint]), Percentiles.Of([.. _interactive]), Percentiles.Of([.. _figures]));
}

/// <summary>A signed-in browser context that loads pages and reads, from the page itself, when each stage happened.</summary>
internal sealed class PageVisits(IBrowserContext context)
{
    // The interactive layout marks itself data-interactive="true" once its circuit renders it.
    private const string Interactive = "[data-interactive=true]";
    private readonly List<IPage> _open = [];

    public static async Task<PageVisits> SignInAsync(IBrowser browser, Uri baseAddress, string user, string password)
    {
        var context = await NewContextAsync(browser, baseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await SubmitSignInAsync(page, baseAddress, user, password);
        await page.CloseAsync(new() { RunBeforeUnload = true });
        return new PageVisits(context);
    }

    private static Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri baseAddress) =>
        browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });

    /// <summary>Fills in and sends the sign-in form open in <paramref name="page"/>, then waits for the home page.</summary>
    private static async Task SubmitSignInAsync(IPage page, Uri baseAddress, string user, string password)
    {
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(baseAddress.ToString());
    }

    /// <summary>
    /// What a first visit downloads: the sign-in page and then, signed in, the weekly review, in a
    /// browser with nothing cached; bytes over the wire (headers included) and once decoded, per
    /// document, stylesheet and script (the circuit's WebSocket is left out).
    /// </summary>
    public static async Task<(List<(string Name, long Transferred, long Decoded)> SignIn, List<(string Name, long Transferred, long Decoded)> WeeklyReview)> FirstVisitAsync(
        IBrowser browser, Uri baseAddress, string user, string password)
    {
        await using var context = await NewContextAsync(browser, baseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        var signIn = await DownloadsAsync(page);
        await SubmitSignInAsync(page, baseAddress, user, password);
        await page.WaitForSelectorAsync(Interactive, new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        // The chart library is fetched when the circuit draws the chart.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var weeklyReview = await DownloadsAsync(page);
        await page.CloseAsync(new() { RunBeforeUnload = true });
        return (signIn, weeklyReview);
    }

    private static async Task<List<(string Name, long Transferred, long Decoded)>> DownloadsAsync(IPage page)
    {
        var entries = await page.EvaluateAsync<JsonElement>("""
            () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                .map(e => ({ name: new URL(e.name).pathname, transferred: e.transferSize, decoded: e.decodedBodySize }))
            """);
        return [.. entries.EnumerateArray().Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("transferred").GetInt64(), e.GetProperty("decoded").GetInt64()))];
    }

    /// <summary>
    /// Loads each of <paramref name="pages"/> <paramref name="count"/> times (after three rounds to warm up),
    /// in rounds that take the pages in turn, so that a slower spell of the machine falls on every page
    /// alike, and reads each stage's time from the page's own clock (ms since navigation start). Each load
    /// is in a new tab, or, with <paramref name="openTab"/>, in a tab already open on another page of the
    /// dashboard (as when a bookmark or a link is followed in a browser already in use: no new renderer
    /// process to start). A page without a circuit is interactive once loaded (its scripts have run).
    /// With several <paramref name="builds"/> (each signed in to a dashboard of its own), each page is
    /// loaded from every build in turn, the order alternating from round to round: the builds share the
    /// machine's slow spells alike, which separate runs of the benchmark do not. Times per build, then per page.
    /// </summary>
    public static async Task<PageTimes[][]> MeasureAsync(IReadOnlyList<PageVisits> builds, IReadOnlyList<(string Path, string Figures)> pages, int count, bool openTab)
    {
        var samples = builds.Select(_ => pages.Select(_ => new Samples()).ToArray()).ToArray();
        for (var round = 0; round < count + 3; round++)
        {
            for (var p = 0; p < pages.Count; p++)
            {
                for (var turn = 0; turn < builds.Count; turn++)
                {
                    var b = round % 2 == 0 ? turn : builds.Count - 1 - turn;
                    var trace = round == count + 2 && b == 0 && Environment.GetEnvironmentVariable("BENCH_TRACE_DIR") is { Length: > 0 } traceDir
                        ? Path.Combine(traceDir, $"{(openTab ? "open-tab" : "new-tab")}{pages[p].Path.Replace('/', '-')}.json")
                        : null;
                    var stages = await builds[b].LoadAsync(pages[p].Path, pages[p].Figures, openTab, trace);
                    if (round >= 3)
                    {
                        samples[b][p].Add(stages);
                    }
                }
            }
        }

        if (Environment.GetEnvironmentVariable("BENCH_SAMPLES_DIR") is { Length: > 0 } samplesDir)
        {
            Directory.CreateDirectory(samplesDir);
            for (var b = 0; b < builds.Count; b++)
            {
                for (var p = 0; p < pages.Count; p++)
                {
                    var name = $"{(openTab ? "open-tab" : "new-tab")}{pages[p].Path.Replace('/', '-')}{(b == 0 ? "" : $"-compared{b}")}.csv";
                    await File.WriteAllLinesAsync(Path.Combine(samplesDir, name), ["html,paint,interactive,figures", .. samples[b][p].Lines]);
                }
            }
        }

        return [.. samples.Select(build => build.Select(s => s.Times()).ToArray())];
    }

    private async Task<JsonElement> LoadAsync(string path, string figures, bool openTab, string? trace)
    {
        var page = await context.NewPageAsync();
        if (openTab)
        {
            await page.GotoAsync("/health/live");
        }

        // Notes the first moment each watched selector matches, from before the document exists.
        await page.AddInitScriptAsync(WatchScript([Interactive, figures]));
        var tracing = trace is null ? null : await ChromeTrace.StartAsync(context, page);
        await page.GotoAsync(path);
        // Blazor's script is at a fingerprinted address (blazor.web.<hash>.js).
        var circuit = await page.Locator("script[src*='_framework/blazor.web.']").CountAsync() > 0;
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

        if (tracing is not null)
        {
            await tracing.StopAsync(trace!);
        }

        // A page with a circuit is interactive once its circuit has rendered it; a static page, once loaded.
        var stages = await page.EvaluateAsync<JsonElement>($$"""
            (circuit) => ({
                html: performance.getEntriesByType('navigation')[0].responseEnd,
                paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                interactive: circuit ? window.__tgSeen[{{JsonSerializer.Serialize(Interactive)}}] : performance.getEntriesByType('navigation')[0].loadEventEnd,
                figures: window.__tgSeen[{{JsonSerializer.Serialize(figures)}}] ?? -1,
            })
            """, circuit);
        if (!stages.TryGetProperty("interactive", out _))
        {
            throw new InvalidOperationException($"{path}: the circuit rendered the page, yet the page's watch did not see it");
        }
        await CloseAsync(page);
        return stages;
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
            await CloseAsync(page);
        }

        _open.Clear();
    }

    /// <summary>
    /// Closes <paramref name="page"/> as a user would, running its unload handlers (which tell the server
    /// that its circuit is gone), and waits until it has closed, so that the next load does not share the
    /// machine with this tab's teardown.
    /// </summary>
    private static async Task CloseAsync(IPage page)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Close += (_, _) => closed.TrySetResult();
        await page.CloseAsync(new() { RunBeforeUnload = true });
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
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
