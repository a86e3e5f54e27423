using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Rollups;
using Tollgate.Dashboard.Web;
using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class LiveUpdateTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Spans_sent_while_the_weekly_review_is_open_change_its_figures_without_a_reload()
    {
        // An app of its own, so that the week's spend is exactly what this test sends.
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var rollups = app.App.Services.GetRequiredService<RollupRunner>();
        await SendCallAsync(app);
        await rollups.RunAllAsync();

        var page = await fixture.NewSignedInPageAsync(app);
        try
        {
            // gpt-4o-mini: 1,000,000 input tokens at $0.15 and 500,000 output at $0.60 per million.
            await Expect(page.GetByTestId("cost-this-week")).ToHaveTextAsync("$0.45");
            await Expect(page.GetByTestId("updated-at")).ToContainTextAsync("figures update as new data is rolled up");
            // A mark on the document: a reload would remove it. The chart drawn now is kept aside.
            await page.WaitForSelectorAsync("[data-chart][data-chart-drawn='1'] svg");
            await page.EvaluateAsync("window.tollgateTestMark = 'kept'; window.tollgateFirstChart = document.querySelector('[data-chart]')");

            // Twice the tokens: $0.90, so the cost per request moves from $0.45 to $0.675 and the trend changes.
            await SendCallAsync(app, scale: 2);
            await rollups.RunAllAsync();

            await Expect(page.GetByTestId("cost-this-week")).ToHaveTextAsync("$1.35", new() { Timeout = 30_000 });
            (await page.EvaluateAsync<string?>("window.tollgateTestMark")).ShouldBe("kept");
            // The new trend is drawn in a new element, and the replaced chart's ECharts instance is let go of.
            await page.WaitForSelectorAsync("[data-chart][data-chart-drawn='1'] svg");
            (await page.EvaluateAsync<bool>("document.querySelector('[data-chart]') !== window.tollgateFirstChart")).ShouldBeTrue();
            (await page.EvaluateAsync<bool>("echarts.getInstanceByDom(document.querySelector('[data-chart]')) !== undefined")).ShouldBeTrue();
            (await page.EvaluateAsync<bool>("echarts.getInstanceByDom(window.tollgateFirstChart) === undefined")).ShouldBeTrue();
            await BrowserFixture.ScreenshotAsync(page, "home-live-update");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static Task SendCallAsync(RunningApp app, int scale = 1) =>
        OtlpSender.SendAsync(app, RunningApp.IngestKey, [("service.name", "live"), ("tollgate.team", "live-team")],
            new TestSpan(OtlpSender.NewTraceId(), OtlpSender.NewSpanId(), null, "chat gpt-4o-mini", DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.FromMilliseconds(400),
            [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o-mini"),
             ("gen_ai.usage.input_tokens", 1_000_000 * scale), ("gen_ai.usage.output_tokens", 500_000 * scale)]));
}
