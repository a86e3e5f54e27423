using System.Net.Http.Json;
using Microsoft.Playwright;
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
}
