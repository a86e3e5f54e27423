using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Components.Pages.Traces;
using Tollgate.Analytics.Time;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class ViewModelTests
{
    [Theory]
    [InlineData("2026-11-23T00:00:00Z", "2026-11-23")] // a Monday
    [InlineData("2026-11-22T23:59:59Z", "2026-11-16")] // the Sunday before
    [InlineData("2026-11-19T08:00:00Z", "2026-11-16")] // a Thursday
    public void The_week_starts_on_monday_utc(string instant, string monday) =>
        IsoWeek.Start(DateTime.Parse(instant, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal))
            .ShouldBe(DateTime.Parse(monday, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal));

    [Fact]
    public void The_waterfall_lists_parents_before_children_and_places_bars_by_time()
    {
        var t0 = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
        SpanRecord S(byte id, byte? parent, int startMs, int durationMs)
        {
            var span = SpanDatabase.Span(9, id, parent, t0.AddMilliseconds(startMs));
            span.EndTime = span.StartTime.AddMilliseconds(durationMs);
            return span;
        }

        // Root 0–2000 ms; child A 100–1300 ms with grandchild 200–400 ms; child B 1400–1900 ms;
        // a span whose parent never arrived (id 7) starts its own tree.
        var rows = TraceDetailViewModel.Layout([S(3, 1, 1400, 500), S(2, 1, 100, 1200), S(1, null, 0, 2000), S(4, 2, 200, 200), S(5, 7, 50, 10)]);

        rows.Select(r => r.Span.SpanId[0]).ShouldBe(new byte[] { 1, 2, 4, 3, 5 });
        rows.Select(r => r.Depth).ShouldBe([0, 1, 2, 1, 0]);
        // Child A: starts at 100/2000 = 5 %, lasts 1200/2000 = 60 %.
        rows[1].OffsetPercent.ShouldBe(5, 1e-9);
        rows[1].WidthPercent.ShouldBe(60, 1e-9);
        rows[1].BarStyle.ShouldBe("left:5%;width:60%");
        // Child B: 1400/2000 = 70 %, 500/2000 = 25 %.
        rows[3].BarStyle.ShouldBe("left:70%;width:25%");
    }
}
