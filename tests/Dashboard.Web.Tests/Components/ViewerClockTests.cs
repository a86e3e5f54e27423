using Tollgate.Dashboard.Web.Components.Display;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class ViewerClockTests
{
    private static readonly DateTime Winter = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Summer = new(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Times_show_in_the_viewers_zone_with_daylight_saving()
    {
        var clock = new ViewerClock("Europe/Paris");

        clock.ZoneName.ShouldBe("Europe/Paris");
        // Paris is UTC+1 in November and UTC+2 (summer time) in July.
        clock.At(Winter).ShouldBe("2026-11-21 13:00:00");
        clock.At(Summer).ShouldBe("2026-07-01 14:00:00");
        clock.TimeOfDay(Winter.AddMilliseconds(250)).ShouldBe("13:00:00.250");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Not/AZone")]
    [InlineData("../../etc/passwd")]
    public void An_unknown_zone_shows_utc(string? zone)
    {
        var clock = new ViewerClock(zone);

        clock.ZoneName.ShouldBe("UTC");
        clock.At(Winter).ShouldBe("2026-11-21 12:00:00");
    }

    [Fact]
    public void Machine_readable_times_are_iso_utc() => ViewerClock.Iso(Winter).ShouldBe("2026-11-21T12:00:00.000Z");
}
