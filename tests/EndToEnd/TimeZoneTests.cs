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

    [Theory]
    // Europe/Paris is an hour or two east of UTC: the browser's offset says at once that the zone moved.
    [InlineData("Europe/Paris", 1)]
    // Asia/Seoul is UTC+9 all year, as Tokyo is: the name is checked once the page has loaded and idled.
    [InlineData("Asia/Seoul", 0)]
    public async Task A_zone_cookie_that_is_not_the_browsers_is_corrected_at_once_unless_its_offset_is_the_same_now(string cookieZone, int namesAskedBeforeLoad)
    {
        var page = await fixture.NewPageAsync(fixture.App, timeZone: "Asia/Tokyo");
        await page.Context.AddCookiesAsync([new() { Name = "tollgate.tz", Value = cookieZone, Url = fixture.App.BaseAddress.ToString() }]);
        // Counts the page's requests for a zone name, and notes how many came before its load event.
        await page.AddInitScriptAsync("""
            (() => {
                const format = Intl.DateTimeFormat;
                window.zoneNamesAsked = 0;
                Intl.DateTimeFormat = function (...args) { window.zoneNamesAsked++; return format(...args); };
                addEventListener("load", () => { window.zoneNamesAskedBeforeLoad = window.zoneNamesAsked; });
            })();
            """);
        await page.GotoAsync("/account/login");

        // The server says the cookie's zone and its offset now, in minutes east of UTC.
        var offset = (int)TimeZoneInfo.FindSystemTimeZoneById(cookieZone).GetUtcOffset(DateTime.UtcNow).TotalMinutes;
        (await page.Locator("script[data-sent]").GetAttributeAsync("data-offset")).ShouldBe(offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await page.EvaluateAsync<int>("window.zoneNamesAskedBeforeLoad")).ShouldBe(namesAskedBeforeLoad);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await page.Context.CookiesAsync()).Single(c => c.Name == "tollgate.tz").Value != "Asia%2FTokyo")
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the zone cookie still names " + cookieZone);
            await Task.Delay(100);
        }

        await page.CloseAsync();
    }
}
