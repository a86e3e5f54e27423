using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Anomalies;
using Tollgate.Dashboard.Web;
using Tollgate.Dashboard.Web.Components.Pages;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;
using static Tollgate.EndToEnd.MudControls;
using Tollgate.Analytics.Time;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class DashboardWorkflowTests(BrowserFixture fixture)
{
    /// <summary>Every visible form field of the page has an accessible name (a label, aria-label or aria-labelledby).</summary>
    private static async Task<string[]> UnlabelledFieldsAsync(IPage page) => await page.EvaluateAsync<string[]>("""
        () => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
            .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
            .map(el => el.name || el.id)
        """);

    /// <summary>Collects what the page logs as an error, and its uncaught exceptions, from now on.</summary>
    private static List<string> ConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add($"{page.Url}: {error}");
        return errors;
    }

    [Fact]
    public async Task The_lead_reviews_the_week_against_the_last_and_clicks_through_to_a_teams_traces()
    {
        // The app lives on a Wednesday at noon whatever day the suite runs: "this week" is then
        // two and a half days old, and the anomaly scan sees the same hours every time.
        var clock = new ShiftedClock(ShiftedClock.LastWeeks(DayOfWeek.Wednesday));
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a, clock));
        var now = clock.GetUtcNow().UtcDateTime;
        var week = IsoWeek.Start(now);
        var thisWeek = week.AddDays(2).AddHours(9); // Wednesday 09:00, inside the scan's last day
        // The Wednesday before at 11:00: inside the hours compared, and less than a week before Wednesday 09:00.
        var lastWeek = week.AddDays(-5).AddHours(11);
        var lastWeekLater = week.AddDays(-3); // the Friday before, after them
        await Seed.WriteAsync(app,
            new(thisWeek, "search", "answer", "gpt-4o", 3.00m),
            new(thisWeek.AddSeconds(1), "search", "summarise", "gpt-4o-mini", 1.50m),
            new(lastWeek, "search", "answer", "gpt-4o", 2.00m),
            new(lastWeekLater, "billing", "invoice", "gpt-4o", 1.00m));
        // The scan the scheduler runs every 15 minutes, run now: Wednesday's $4.50 after a quiet
        // four days would be flagged, but these series have no week of history yet.
        (await app.App.Services.GetRequiredService<AnomalyScanner>().ScanAsync(null, now, CancellationToken.None)).Anomalies.ShouldBe(0);
        var page = await fixture.NewSignedInPageAsync(app);
        var errors = ConsoleErrors(page);
        await BrowserFixture.WaitForCircuitAsync(page);

        // The week so far, 3.00 + 1.50 = 4.50, against the same hours of last week, 2.00: +2.50, +125%.
        await Expect(page.GetByTestId("comparison")).ToContainTextAsync("The week so far (Monday 00:00 to Wednesday 13:00 UTC) is compared with the same part of the week of " + WeeklyReview.WeekParameter(week.AddDays(-7)));
        (await page.GetByTestId("cost-this-week").TextContentAsync()).ShouldBe("$4.50");
        (await page.GetByTestId("cost-last-week").TextContentAsync()).ShouldBe("$2.00");
        (await page.GetByTestId("cost-change").InnerTextAsync()).ShouldContain("+$2.50 (+125.0%)");
        (await page.GetByTestId("last-week-whole").TextContentAsync()).ShouldBe("All of last week: $3.00");
        // Team search: 4.50 against 2.00 = +2.50, +125%. Billing's Friday has not come round yet: no decrease.
        var search = page.GetByTestId("by-team").Locator("tr", new() { HasText = "search" });
        (await search.InnerTextAsync()).ShouldContain("+$2.50");
        (await search.InnerTextAsync()).ShouldContain("+125.0%");
        (await page.GetByTestId("by-team").InnerTextAsync()).ShouldNotContain("billing");
        (await page.GetByTestId("decreases").CountAsync()).ShouldBe(0);
        (await page.GetByTestId("no-anomalies").IsVisibleAsync()).ShouldBeTrue();
        // The cost-per-request trend is drawn by ECharts from the page's data-chart JSON, after the interactive render.
        await page.WaitForSelectorAsync("[data-chart][data-chart-drawn='1'] svg");
        // Every week of the trend is labelled, the reviewed week last.
        var weekLabels = Enumerable.Range(0, HomeViewModel.TrendWeeks)
            .Select(i => week.AddDays(-7 * (HomeViewModel.TrendWeeks - 1 - i)).ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        (await page.Locator("[data-chart] svg text").AllTextContentsAsync()).Where(weekLabels.Contains).ShouldBe(weekLabels);
        await BrowserFixture.ScreenshotAsync(page, "home-weekly-review");

        // Features by change, over the circuit: answer +1.00 then summarise +1.50; again, the other way.
        var features = page.GetByTestId("by-feature");
        await features.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Expect(features.Locator("tbody tr").First).ToContainTextAsync("answer");
        await features.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Expect(features.Locator("tbody tr").First).ToContainTextAsync("summarise");

        await page.GetByTestId("by-team").GetByRole(AriaRole.Link, new() { Name = "search", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/traces\?team=search&window=7d$"));
        // The two requests of team search this week (the traces page looks back 7 days at most); the
        // circuit's router loads the static traces page in full after the address has changed.
        var traces = page.GetByTestId("trace-table").Locator("tbody tr");
        await Expect(traces.First).ToBeVisibleAsync();
        (await traces.CountAsync()).ShouldBeGreaterThanOrEqualTo(2);
        await BrowserFixture.ScreenshotAsync(page, "home-click-through-traces");

        await page.GotoAsync("/");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("last-complete-week").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/\?week=" + WeeklyReview.WeekParameter(week.AddDays(-7)) + "$"));
        // Last week in full: 2.00 + 1.00 = 3.00 against nothing the week before, and no "so far".
        await Expect(page.GetByTestId("cost-this-week")).ToHaveTextAsync("$3.00");
        await Expect(page.GetByTestId("comparison")).ToHaveCountAsync(0);

        // The lead of billing reviews that team alone: 1.00 last week.
        await page.GetByTestId("team-picker").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "billing", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/\?week=" + WeeklyReview.WeekParameter(week.AddDays(-7)) + "&team=billing$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Weekly spend of team billing");
        await Expect(page.GetByTestId("cost-this-week")).ToHaveTextAsync("$1.00");
        await Expect(page.GetByTestId("by-feature")).ToContainTextAsync("invoice");
        await Expect(page.GetByTestId("by-team")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "home-team-review");
        errors.ShouldBeEmpty();
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_PM_uploads_revenue_a_bad_file_is_refused_line_by_line_and_a_good_one_shows_the_margin()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var day = DateTime.UtcNow.Date.AddDays(-5);
        await Seed.WriteAsync(app,
            new(day.AddHours(10), "search", "answer", "gpt-4o", 2.00m),
            new(day.AddHours(11), "search", "answer", "gpt-4o-mini", 1.00m));
        var page = await fixture.NewSignedInPageAsync(app);
        // Closed before the app stops, so that a failure here does not add the closed circuit's errors.
        try
        {
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GetByRole(AriaRole.Link, new() { Name = "Feature P&L" }).ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/pnl$"));
            await BrowserFixture.WaitForCircuitAsync(page);
            var consoleErrors = ConsoleErrors(page);
            await Expect(page.GetByTestId("no-revenue")).ToBeVisibleAsync();
            (await UnlabelledFieldsAsync(page)).ShouldBeEmpty();
            var (start, end) = (day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

            // The button opens the browser's file chooser; the file goes over the circuit to the background import.
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByTestId("upload").ClickAsync());
            await chooser.SetFilesAsync(Csv(
                "feature,customer,periodStart,periodEnd,amountUsd",
                $"answer,acme,{start},{end},10",
                $"answer,acme,{start},{end},ten",
                $"answer,acme,{end},{start},5"));

            await Expect(page.GetByTestId("upload-errors").Locator("li")).ToHaveTextAsync(
            [
                "line 3: amountUsd 'ten' is not a number (use a dot for decimals, no currency sign)",
                "line 4: periodEnd must be after periodStart",
            ], new() { Timeout = 60_000 });
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Nothing was stored: 2 line(s) need fixing.");
            (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);
            await BrowserFixture.ScreenshotAsync(page, "pnl-bad-upload");

            chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByTestId("upload").ClickAsync());
            await chooser.SetFilesAsync(Csv(
                "feature,customer,periodStart,periodEnd,amountUsd",
                $"answer,acme,{start},{end},10"));

            await Expect(page.GetByTestId("upload-status")).ToHaveTextAsync("Stored 1 revenue line(s) from revenue.csv.", new() { Timeout = 60_000 });
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "Stored 1 revenue line(s) from revenue.csv." })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("upload-errors")).ToHaveCountAsync(0);
            // The margins are loaded again in the page: revenue 10.00, cost 2.00 + 1.00 = 3.00, margin 7.00 = 70%.
            var answer = page.GetByTestId("pnl-table").Locator("tbody tr", new() { HasText = "answer" });
            await Expect(answer.Locator("td").Nth(1)).ToHaveTextAsync("$10.00");
            var cells = await answer.Locator("td").AllInnerTextsAsync();
            cells[2].ShouldBe("$3.00");
            cells[3].ShouldBe("$7.00");
            cells[4].ShouldBe("70%");
            await Expect(page.GetByTestId("no-revenue")).ToHaveCountAsync(0);
            // Both tier mixes show beside the figures, without scrolling sideways.
            await PageChecks.NothingScrollsSidewaysAsync(page, page.GetByTestId("pnl-table"));
            await BrowserFixture.ScreenshotAsync(page, "pnl-with-revenue");

            // The period: choose the last 7 days, then Tab to "Show" and press Enter.
            await ChooseAsync(page, "period-picker", "Last 7 days");
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByTestId("show-period")).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(new Regex(@"/pnl\?period=7$"));
            await Expect(page.Locator("#pnl-title")).ToContainTextAsync("against the 7 days before");
            await Expect(answer.Locator("td").Nth(1)).ToHaveTextAsync("$10.00");
            consoleErrors.ShouldBeEmpty();
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Benchmarks_show_the_maturity_level_and_bands_and_a_scenario_is_projected_from_the_keyboard()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var day = DateTime.UtcNow.Date.AddDays(-2);
        // 0.20 + 0.40 over two requests: 0.30 per request, in the low band (above 0.05).
        await Seed.WriteAsync(app,
            new(day.AddHours(10), "search", "answer", "gpt-4o", 0.20m),
            new(day.AddHours(11), "support", "triage", "gpt-4o", 0.40m));
        var page = await fixture.NewSignedInPageAsync(app);

        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Benchmarks" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/benchmarks$"));
        await BrowserFixture.WaitForCircuitAsync(page);
        // Level 1 (calls observed) and 2 (every call priced: both carry a provided cost) are met; level 3 needs a budget.
        (await page.GetByTestId("maturity-level").TextContentAsync()).ShouldBe("2");
        (await page.GetByTestId("maturity-name").TextContentAsync()).ShouldBe("Pilot");
        (await page.GetByTestId("next-step").InnerTextAsync()).ShouldContain("Budgets defined");
        (await page.GetByRole(AriaRole.Progressbar, new() { Name = "Maturity score" }).CountAsync()).ShouldBe(1);
        var cost = page.Locator("tr[data-metric=inference_cost_per_request]");
        (await cost.Locator("td.num").TextContentAsync()).ShouldBe("$0.30");
        (await cost.GetByTestId("band").TextContentAsync()).ShouldBe("low");
        // The band as placed (low starts where median ends), beside the published figures, which leave gaps.
        (await cost.Locator(".band-placed").TextContentAsync()).ShouldBe("above $0.05");
        (await cost.GetByTestId("published").TextContentAsync()).ShouldBe("published: low above $0.10, median $0.01 to $0.05, elite below $0.005");
        (await page.GetByTestId("next-step").TextContentAsync()).ShouldNotBeNullOrWhiteSpace();
        await BrowserFixture.ScreenshotAsync(page, "benchmarks");

        await page.GetByRole(AriaRole.Link, new() { Name = "Scenarios" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/scenarios$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Scenarios");
        await BrowserFixture.WaitForCircuitAsync(page);
        (await UnlabelledFieldsAsync(page)).ShouldBeEmpty();
        await page.GetByLabel("Cache hit rate change (points)").FillAsync("lots");
        await page.GetByLabel("Cache hit rate change (points)").PressAsync("Enter");
        await page.WaitForURLAsync(new Regex(@"/scenarios\?.*cache=lots"));
        await Expect(page.GetByTestId("field-cache").Locator(".mud-input-helper-text")).ToHaveTextAsync("'lots' is not a number (use a dot for decimals).");
        await BrowserFixture.ScreenshotAsync(page, "scenarios-invalid");

        await page.GetByRole(AriaRole.Radio, new() { Name = "×10", Exact = true }).CheckAsync();
        await page.GetByLabel("Cache hit rate change (points)").FillAsync("0");
        await page.GetByLabel("Cache hit rate change (points)").PressAsync("Enter");
        await page.WaitForURLAsync(new Regex(@"/scenarios\?.*volume=10.*cache=0"));
        // Ten times the volume, nothing else: 0.60 today, 6.00 in the scenario.
        var total = page.GetByTestId("scenario-total").Locator("td");
        await Expect(total.Nth(1)).ToHaveTextAsync("$6.00");
        (await total.Nth(0).InnerTextAsync()).ShouldBe("$0.60");
        await BrowserFixture.ScreenshotAsync(page, "scenarios");
        await page.CloseAsync();
    }

    private static FilePayload Csv(params string[] lines) => new()
    {
        Name = "revenue.csv",
        MimeType = "text/csv",
        Buffer = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"),
    };
}
