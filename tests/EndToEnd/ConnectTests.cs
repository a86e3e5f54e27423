using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class ConnectTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_new_key_is_shown_once_and_the_spans_sent_with_it_appear_in_the_live_check()
    {
        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/connect");
        await BrowserFixture.WaitForCircuitAsync(page);
        await PageChecks.LandmarksAndLabelsAsync(page);

        // Keyboard only: Tab to the key name, type, Tab to the project, replace it, Enter.
        await PageChecks.TabToAsync(page, "key-name");
        await page.Keyboard.TypeAsync("checkout-service");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("connect-e2e");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/connect?project=connect-e2e**");

        var key = (await page.GetByTestId("new-key-value").TextContentAsync())!.Trim();
        key.ShouldStartWith("tg_ingest_");
        // The key notice renders with the answer; the set-up follows once the new address reaches the circuit.
        await Expect(page.GetByTestId("env-snippet")).ToContainTextAsync("OTEL_EXPORTER_OTLP_HEADERS='x-api-key=" + key + "'");

        // Attribution fields fill in OTEL_RESOURCE_ATTRIBUTES; the address keeps them, never the key,
        // which stays in the set-up only while this page is open.
        await page.GetByLabel("Team", new() { Exact = true }).FillAsync("payments");
        await page.GetByLabel("Feature", new() { Exact = true }).FillAsync("checkout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Fill in the set-up" }).ClickAsync();
        await page.WaitForURLAsync("**team=payments**");
        page.Url.ShouldNotContain("tg_ingest_");
        await Expect(page.GetByTestId("env-snippet")).ToContainTextAsync("OTEL_RESOURCE_ATTRIBUTES='tollgate.team=payments,tollgate.feature=checkout'");
        (await page.GetByTestId("env-snippet").TextContentAsync() ?? "").ShouldContain("x-api-key=" + key, Case.Sensitive);
        await Expect(page.GetByTestId("live-empty")).ToBeVisibleAsync();

        // The key works at the OTLP endpoint; the live check (polled every 2 s) shows what was recognised.
        var trace = OtlpSender.NewTraceId();
        await OtlpSender.SendAsync(fixture.App, key, [("service.name", "checkout"), ("tollgate.team", "payments"), ("tollgate.feature", "checkout")],
            new TestSpan(trace, OtlpSender.NewSpanId(), null, "chat gpt-4o-mini", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(800),
            [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o-mini"),
             ("gen_ai.usage.input_tokens", 1000), ("gen_ai.usage.output_tokens", 500)]));
        await OtlpSender.SendAsync(fixture.App, key, [("service.name", "checkout")],
            new TestSpan(OtlpSender.NewTraceId(), OtlpSender.NewSpanId(), null, "GET /health", DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMilliseconds(3), []));

        var table = page.GetByTestId("live-table");
        await Expect(table).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var chat = table.Locator("tr", new() { HasText = "chat gpt-4o-mini" });
        await Expect(chat.Locator("[data-field=model]")).ToHaveTextAsync("gpt-4o-mini");
        // gpt-4o-mini at $0.15 in / $0.60 out per million: 1000 × 0.15/1e6 + 500 × 0.60/1e6 = 0.00015 + 0.0003 = $0.00045.
        await Expect(chat.Locator("[data-field=cost]")).ToContainTextAsync("$0.00045");
        await Expect(chat.Locator("[data-field=cost]")).ToContainTextAsync("computed");
        await Expect(chat.Locator("[data-field=team]")).ToHaveTextAsync("payments");
        await Expect(chat.Locator("[data-field=feature]")).ToHaveTextAsync("checkout");
        var health = table.Locator("tr", new() { HasText = "GET /health" });
        await Expect(health).ToContainTextAsync("not a model call");
        await Expect(health).ToContainTextAsync("no tollgate.team: set it in OTEL_RESOURCE_ATTRIBUTES");

        // Without a reload, what the instrumentation sends follows the new spans (read again at most
        // every 10 s): the service's one model call carried usage but no cache tokens.
        var coverage = page.GetByTestId("coverage-table").Locator("tr[data-service='checkout']");
        await Expect(coverage.Locator("[data-field=calls]")).ToHaveTextAsync("1", new() { Timeout = 30_000 });
        await Expect(coverage.Locator("[data-field=without-usage]")).ToHaveTextAsync("0");
        await Expect(page.Locator("tr[data-findings='checkout']")).ToContainTextAsync("the cost shown is an upper bound");
        // Its seven columns and the findings under them fit the page at 1280 pixels.
        await PageChecks.NothingScrollsSidewaysAsync(page, page.GetByTestId("coverage-table"));
        await BrowserFixture.ScreenshotAsync(page, "connect-live-check");

        // Loaded with the page too. The key is not shown again.
        await page.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(page);
        (await page.GetByTestId("new-key").CountAsync()).ShouldBe(0, "the key is shown only once");
        (await page.GetByTestId("env-snippet").TextContentAsync() ?? "").ShouldContain("x-api-key=<your-ingest-key>", Case.Sensitive);
        await Expect(coverage.Locator("[data-field=calls]")).ToHaveTextAsync("1");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_sees_the_set_up_but_cannot_create_keys()
    {
        using (var api = fixture.App.CreateClient(withAdminKey: true))
        {
            var created = await api.PostAsJsonAsync("/api/v1/users", new { userName = "viewer-connect", password = "viewer-password-long", role = "viewer" });
            created.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var page = await fixture.NewSignedInPageAsync("viewer-connect", "viewer-password-long");
        await page.GotoAsync("/connect");
        await BrowserFixture.WaitForCircuitAsync(page);

        (await page.Locator("#key-name").CountAsync()).ShouldBe(0);
        await Expect(page.Locator("main")).ToContainTextAsync("Ask an admin or a team lead for an ingest key");
        (await page.GetByTestId("env-snippet").TextContentAsync() ?? "").ShouldContain("x-api-key=<your-ingest-key>", Case.Sensitive);
        await page.CloseAsync();
    }
}
