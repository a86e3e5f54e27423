using Microsoft.Playwright;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class TracesTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Filtering_by_team_finds_the_trace_and_its_waterfall_marks_billing_and_errors()
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);
        var wanted = OtlpSender.NewTraceId();
        var root = OtlpSender.NewSpanId();
        var chat = OtlpSender.NewSpanId();
        await OtlpSender.SendAsync(fixture.App, RunningApp.IngestKey, [("service.name", "gateway")],
            new TestSpan(wanted, root, null, "POST /v1/summarise", now, TimeSpan.FromSeconds(2),
                [("tollgate.team", "traces-e2e-a"), ("tollgate.feature", "summarise"), ("tollgate.customer", "acme-corp")]),
            new TestSpan(wanted, chat, root, "chat gpt-4o-mini", now.AddMilliseconds(100), TimeSpan.FromMilliseconds(1200),
                [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o-mini"),
                 ("gen_ai.usage.input_tokens", 2000), ("gen_ai.usage.output_tokens", 1000)]),
            new TestSpan(wanted, OtlpSender.NewSpanId(), root, "tool web_search", now.AddMilliseconds(1400), TimeSpan.FromMilliseconds(500),
                [("gen_ai.tool.name", "web_search")], Error: true));
        var other = OtlpSender.NewTraceId();
        await OtlpSender.SendAsync(fixture.App, RunningApp.IngestKey, [("service.name", "gateway")],
            new TestSpan(other, OtlpSender.NewSpanId(), null, "POST /v1/translate", now, TimeSpan.FromSeconds(1), [("tollgate.team", "traces-e2e-b")]));

        var page = await fixture.NewSignedInPageAsync();
        await page.GotoAsync("/traces");
        await BrowserFixture.WaitForCircuitAsync(page);
        await PageChecks.LandmarksAndLabelsAsync(page);
        await PageChecks.TabToAsync(page, "f-team");
        await page.Keyboard.TypeAsync("traces-e2e-a");
        await page.Keyboard.PressAsync("Enter");

        var rows = page.GetByTestId("trace-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("POST /v1/summarise");
        await Expect(rows.First).ToContainTextAsync("acme-corp");
        // One billing span: 2000 × 0.15/1e6 + 1000 × 0.60/1e6 = 0.0003 + 0.0006 = $0.0009.
        await Expect(rows.First).ToContainTextAsync("$0.0009");
        await BrowserFixture.ScreenshotAsync(page, "traces-filtered");

        // Without JavaScript the same filter is a plain GET: errors only with a cost above $0.001 excludes the trace.
        await page.GotoAsync("/traces?team=traces-e2e-a&errors=true&minCost=0.001");
        await Expect(page.GetByTestId("no-traces")).ToBeVisibleAsync();
        await page.GotoAsync("/traces?team=traces-e2e-a&errors=true&minCost=0.0008");
        await Expect(page.GetByTestId("trace-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await page.GotoAsync("/traces?minCost=lots");
        await Expect(page.GetByTestId("min-cost")).ToContainTextAsync("Give an amount in US dollars");

        await page.GotoAsync("/traces?team=traces-e2e-a");
        // A link clicked in the prerendered page before its circuit is up can be lost.
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "POST /v1/summarise" }).ClickAsync();
        await page.WaitForURLAsync("**/traces/" + wanted + "?project=*");
        await Expect(page.Locator(".waterfall .row-span")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("billing-badge")).ToHaveCountAsync(1);
        await Expect(page.Locator("#span-" + chat)).ToContainTextAsync("billing");
        await Expect(page.Locator(".waterfall .row-span.error")).ToHaveCountAsync(1);
        await Expect(page.Locator(".waterfall .row-span.error")).ToContainTextAsync("tool web_search");
        await Expect(page.GetByTestId("trace-cost")).ToHaveTextAsync("$0.0009");
        await BrowserFixture.ScreenshotAsync(page, "trace-waterfall");
        await page.CloseAsync();
    }
}
