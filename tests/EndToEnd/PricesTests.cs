using System.Text.RegularExpressions;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Pricing;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;
using static Tollgate.EndToEnd.MudControls;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class PricesTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_unpriced_model_gets_a_custom_price_from_its_link_and_its_spans_are_repriced()
    {
        var trace = OtlpSender.NewTraceId();
        await OtlpSender.SendAsync(fixture.App, RunningApp.IngestKey, [("service.name", "lab")],
            new TestSpan(trace, OtlpSender.NewSpanId(), null, "chat house-model", DateTimeOffset.UtcNow.AddSeconds(-10), TimeSpan.FromMilliseconds(300),
                [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "acme"), ("gen_ai.request.model", "acme-e2e-1"),
                 ("gen_ai.usage.input_tokens", 1_000_000), ("gen_ai.usage.output_tokens", 250_000)]));

        var page = await fixture.NewSignedInPageAsync();
        await OpenPricesAsync(page);
        await PageChecks.LandmarksAndLabelsAsync(page);
        await Expect(page.GetByTestId("unpriced-table").Locator("tr[data-unpriced='acme-e2e-1']")).ToHaveCountAsync(1);

        // The trace page's "unpriced: add a price" link opens the form filled in with the model.
        await page.GotoAsync(Tollgate.Dashboard.Web.Components.Pages.Connect.SpanRecognition.PriceLink("acme", "acme-e2e-1"));
        var dialog = page.Locator(".price-dialog");
        await Expect(dialog.Locator("#price-dialog-title")).ToHaveTextAsync("Add a price for acme-e2e-1");
        await Expect(page.Locator("#p-model")).ToHaveValueAsync("acme-e2e-1");
        await Expect(page.Locator("#p-provider")).ToHaveValueAsync("acme");
        await PageChecks.LandmarksAndLabelsAsync(page);
        await ChooseAsync(page, "p-tier", "small");
        await page.GetByLabel("Input, $ per M tokens").FillAsync("2");
        await page.GetByLabel("Output, $ per M tokens").FillAsync("8");
        await BrowserFixture.ScreenshotAsync(page, "price-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add price" }).ClickAsync();

        await ExpectSnackbarAsync(page, "Added the price of acme/acme-e2e-1");
        // The outcome does not cover the page's own actions, which an admin may want next.
        var snackbar = (await page.Locator(".mud-snackbar").First.BoundingBoxAsync())!;
        foreach (var action in new[] { "add-price", "import-price-file" })
        {
            var button = (await page.GetByTestId(action).BoundingBoxAsync())!;
            var overlaps = snackbar.X < button.X + button.Width && button.X < snackbar.X + snackbar.Width
                && snackbar.Y < button.Y + button.Height && button.Y < snackbar.Y + snackbar.Height;
            overlaps.ShouldBeFalse($"the snackbar ({snackbar.X}, {snackbar.Y}, {snackbar.Width} x {snackbar.Height}) covers {action} ({button.X}, {button.Y})");
        }

        await Expect(dialog).ToHaveCountAsync(0);
        await page.GetByTestId("price-search").FillAsync("acme-e2e-1");
        var row = page.GetByTestId("price-grid").Locator("tbody tr", new() { HasText = "acme-e2e-1" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("[data-field=input]")).ToHaveTextAsync("$2.00");
        await Expect(row.Locator("[data-field=output]")).ToHaveTextAsync("$8.00");
        await Expect(row.Locator("[data-field=source]")).ToHaveTextAsync("custom");
        // Every column of the grid, the admin's actions last, shows at 1280 px.
        await PageChecks.NothingScrollsSidewaysAsync(page, page.GetByTestId("price-grid"));
        // Its re-pricing run is followed on the page until its background job has finished; then the model is priced.
        await Expect(page.GetByTestId("run-table").Locator("tbody tr").First.Locator("[data-field=status]")).ToHaveTextAsync("done");
        await Expect(page.GetByTestId("unpriced-table").Locator("tr[data-unpriced='acme-e2e-1']")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "prices-after-custom-price");

        // The stored span was re-priced: 1,000,000 × 2/1e6 + 250,000 × 8/1e6 = 2 + 2 = $4.00.
        await page.GotoAsync("/traces/" + trace);
        await Expect(page.GetByTestId("trace-cost")).ToHaveTextAsync("$4.00");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_price_form_with_mistakes_shows_each_problem_under_its_field()
    {
        var page = await fixture.NewSignedInPageAsync();
        await OpenPricesAsync(page);

        await page.GetByTestId("add-price").ClickAsync();
        var dialog = page.Locator(".price-dialog");
        await page.GetByLabel("Input, $ per M tokens").FillAsync("-1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add price" }).ClickAsync();

        await Expect(ProblemUnder(page, "p-provider")).ToHaveTextAsync("Give the provider, for example 'openai'.");
        await Expect(ProblemUnder(page, "p-model")).ToHaveTextAsync("Give the model name, for example 'gpt-4o'.");
        await Expect(ProblemUnder(page, "p-input")).ToHaveTextAsync("The input price is 0 or more (USD per million tokens).");
        await Expect(ProblemUnder(page, "p-tier")).ToHaveCountAsync(0);
        await Expect(dialog).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "price-dialog-problems");
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_admin_deletes_a_model_pattern_from_the_prices_page_after_confirming()
    {
        using (var api = fixture.App.CreateClient(withAdminKey: true))
        {
            var created = await api.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "e2e-deploy-*", targetModel = "gpt-4o-mini", targetProvider = "openai" });
            created.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var page = await fixture.NewSignedInPageAsync();
        await OpenPricesAsync(page);
        var row = page.GetByTestId("pattern-table").Locator("tr[data-pattern='e2e-deploy-*']");
        await Expect(row).ToContainTextAsync("openai/gpt-4o-mini");
        await BrowserFixture.ScreenshotAsync(page, "prices-patterns");
        // The whole catalogue, its longest names and sources included, fits at 1280 px.
        await PageChecks.NothingScrollsSidewaysAsync(page, page.GetByTestId("price-grid"));

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete pattern e2e-deploy-*" }).ClickAsync();
        var confirm = page.Locator(".mud-dialog", new() { HasText = "Delete pattern e2e-deploy-*?" });
        await Expect(confirm).ToContainTextAsync("spans already stored keep their cost");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete e2e-deploy-*" }).ClickAsync();

        await ExpectSnackbarAsync(page, "Deleted the pattern e2e-deploy-*");
        await Expect(page.Locator("tr[data-pattern='e2e-deploy-*']")).ToHaveCountAsync(0);
        (await fixture.App.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'model_patterns.delete' AND actor = 'admin'")).ShouldBe(1);
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_admin_follows_a_re_pricing_runs_progress_and_cancels_it_after_confirming()
    {
        // A run recorded without its job: it waits in the queue until someone acts on it.
        var runId = await fixture.App.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-3), DateTime.UtcNow, "e2e");

        var page = await fixture.NewSignedInPageAsync();
        await OpenPricesAsync(page);
        var row = page.GetByTestId("run-table").Locator($"tr[data-run='{runId}']");
        await Expect(row.Locator("[data-field=status]")).ToHaveTextAsync("queued");

        // Progress recorded meanwhile shows without reloading the page.
        await fixture.App.Database.ExecuteAsync($"UPDATE repricing_runs SET status = 'running', spans_total = 400, spans_done = 100 WHERE id = {runId}");
        await Expect(row.Locator("[data-field=progress]")).ToHaveTextAsync("100 of 400 spans");
        await Expect(row.Locator("[data-field=status]")).ToHaveTextAsync("running");
        await BrowserFixture.ScreenshotAsync(page, "prices-run-progress");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Cancel run {runId}" }).ClickAsync();
        var confirm = page.Locator(".mud-dialog", new() { HasText = $"Cancel re-pricing run {runId}?" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = $"Cancel run {runId}" }).ClickAsync();

        await ExpectSnackbarAsync(page, $"Cancelled re-pricing run {runId}: 100 of 400 spans");
        await Expect(row.Locator("[data-field=status]")).ToHaveTextAsync("cancelled");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        (await fixture.App.Database.ScalarAsync<string>($"SELECT actor FROM audit_log WHERE action = 'prices.reprice.cancel' AND subject = 'repricing_runs/{runId}'")).ShouldBe("admin");
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_admin_reaches_the_jobs_dashboard_from_the_navigation_and_sees_the_recurring_jobs()
    {
        var page = await fixture.NewSignedInPageAsync();
        await OpenPricesAsync(page);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/jobs");
        // The dashboard is not a page of the app: the link loads it in full, which has to end before going on.
        await Expect(page).ToHaveTitleAsync(new Regex("Tollgate jobs"));
        await page.GotoAsync("/admin/jobs/recurring");

        foreach (var job in new[] { "rollups", "dependencies", "anomalies", "weekly-digest" })
        {
            await Expect(page.Locator("table tr", new() { HasText = job }).First).ToBeVisibleAsync();
        }

        await BrowserFixture.ScreenshotAsync(page, "admin-jobs-recurring");
        await page.CloseAsync();
    }

    /// <summary>Opens the prices page and waits for its circuit (a click before it is lost).</summary>
    internal static async Task OpenPricesAsync(IPage page)
    {
        await page.GotoAsync("/admin/prices");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Prices");
        await Expect(page.GetByTestId("prices-page")).ToHaveAttributeAsync("data-interactive", "true");
    }
}
