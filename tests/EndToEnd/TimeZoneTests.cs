using Tollgate.Testing;
using static Microsoft.Playwright.Assertions;

namespace Tollgate.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class TimeZoneTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Times_are_shown_in_the_browsers_time_zone()
    {
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(-12), TimeSpan.Zero).AddMinutes(7);
        var trace = OtlpSender.NewTraceId();
        await OtlpSender.SendAsync(fixture.App, RunningApp.IngestKey, [("service.name", "clock")],
            new TestSpan(trace, OtlpSender.NewSpanId(), null, "clock check", start, TimeSpan.FromSeconds(1), []));

        // The sign-in page already ran the time-zone script, so the cookie is set before this page.
        var page = await fixture.NewSignedInPageAsync(RunningApp.AdminUser, RunningApp.AdminPassword, timeZone: "Asia/Tokyo");
        await page.GotoAsync("/traces/" + trace);

        await Expect(page.Locator("footer")).ToContainTextAsync("Times are shown in Asia/Tokyo.");
        // Tokyo is UTC+9 all year (no daylight saving).
        var expected = start.AddHours(9).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator("main time").First).ToHaveTextAsync(expected);
        await page.CloseAsync();
    }
}
