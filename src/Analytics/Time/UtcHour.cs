namespace Tollgate.Analytics.Time;

/// <summary>
/// Whole hours in UTC, the grain of every rollup and cost series. A time of another kind is
/// converted to UTC first (unspecified counts as UTC, as the database hands times back).
/// </summary>
public static class UtcHour
{
    /// <summary>The start of the hour holding <paramref name="time"/>.</summary>
    public static DateTime Floor(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);
    }

    /// <summary>The first hour boundary at or after <paramref name="time"/>.</summary>
    public static DateTime Ceiling(DateTime time)
    {
        var floor = Floor(time);
        return floor == AsUtc(time) ? floor : floor.AddHours(1);
    }

    private static DateTime AsUtc(DateTime time) =>
        time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
