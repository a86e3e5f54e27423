using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Analytics.Pricing;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

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
        await page.GotoAsync("/admin/prices");
        await PageChecks.LandmarksAndLabelsAsync(page);
        var unpriced = page.GetByTestId("unpriced-table").Locator("tr", new() { HasText = "acme-e2e-1" });
        await Expect(unpriced).ToHaveCountAsync(1);
        await unpriced.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(page.Locator("#p-model")).ToHaveValueAsync("acme-e2e-1");
        await Expect(page.Locator("#p-provider")).ToHaveValueAsync("acme");
        await page.Locator("#p-tier").SelectOptionAsync("small");
        await page.GetByLabel("Input, $ per M tokens").FillAsync("2");
        await page.GetByLabel("Output, $ per M tokens").FillAsync("8");
        await page.GetByLabel("Output, $ per M tokens").PressAsync("Enter");

        await Expect(page.GetByTestId("price-status")).ToContainTextAsync("Added the price of acme/acme-e2e-1");
        var row = page.GetByTestId("price-table").Locator("tr", new() { HasText = "acme-e2e-1" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("$2.00");
        await Expect(row).ToContainTextAsync("$8.00");
        await Expect(row).ToContainTextAsync("custom");
        await Expect(page.GetByTestId("unpriced-table").Locator("tr", new() { HasText = "acme-e2e-1" })).ToHaveCountAsync(0);
        // Its re-pricing run is listed, finished by its background job.
        await Expect(page.GetByTestId("run-table").Locator("tbody tr").First).ToContainTextAsync("done");
        await BrowserFixture.ScreenshotAsync(page, "prices-after-custom-price");

        // The stored span was re-priced: 1,000,000 × 2/1e6 + 250,000 × 8/1e6 = 2 + 2 = $4.00.
        await page.GotoAsync("/traces/" + trace);
        await Expect(page.GetByTestId("trace-cost")).ToHaveTextAsync("$4.00");
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_admin_deletes_a_model_pattern_from_the_prices_page()
    {
        using (var api = fixture.App.CreateClient(withAdminKey: true))
        {
            var created = await api.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "e2e-deploy-*", targetModel = "gpt-4o-mini", targetProvider = "openai" });
            created.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/admin/prices");
        var row = page.GetByTestId("pattern-table").Locator("tr[data-pattern='e2e-deploy-*']");
        await Expect(row).ToContainTextAsync("openai/gpt-4o-mini");
        await BrowserFixture.ScreenshotAsync(page, "prices-patterns");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete pattern e2e-deploy-*" }).ClickAsync();

        await Expect(page.GetByTestId("price-status")).ToContainTextAsync("Deleted the pattern e2e-deploy-*");
        await Expect(page.Locator("tr[data-pattern='e2e-deploy-*']")).ToHaveCountAsync(0);
        (await fixture.App.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'model_patterns.delete' AND actor = 'admin'")).ShouldBe(1);
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_admin_cancels_a_waiting_re_pricing_run_from_the_prices_page()
    {
        // A run recorded without its job: it waits in the queue until someone acts on it.
        var runId = await fixture.App.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-3), DateTime.UtcNow, "e2e");

        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/admin/prices");
        var row = page.GetByTestId("run-table").Locator($"tr[data-run='{runId}']");
        await Expect(row).ToContainTextAsync("queued");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Cancel run {runId}" }).ClickAsync();

        await Expect(page.GetByTestId("price-status")).ToContainTextAsync($"Cancelled re-pricing run {runId}");
        await Expect(page.GetByTestId("run-table").Locator($"tr[data-run='{runId}']")).ToContainTextAsync("cancelled");
        await Expect(page.GetByTestId("run-table").Locator($"tr[data-run='{runId}']").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        (await fixture.App.Database.ScalarAsync<string>($"SELECT actor FROM audit_log WHERE action = 'prices.reprice.cancel' AND subject = 'repricing_runs/{runId}'")).ShouldBe("admin");
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_admin_reaches_the_jobs_dashboard_from_the_navigation_and_sees_the_recurring_jobs()
    {
        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/admin/prices");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/jobs");
        await page.GotoAsync("/admin/jobs/recurring");

        foreach (var job in new[] { "rollups", "dependencies", "anomalies", "weekly-digest" })
        {
            await Expect(page.Locator("table tr", new() { HasText = job }).First).ToBeVisibleAsync();
        }

        await BrowserFixture.ScreenshotAsync(page, "admin-jobs-recurring");
        await page.CloseAsync();
    }
}
