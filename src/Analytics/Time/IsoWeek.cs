namespace Tollgate.Analytics.Time;

/// <summary>ISO weeks in UTC: Monday 00:00 to the next Monday, as budgets, digests and weekly rollups count them.</summary>
public static class IsoWeek
{
    /// <summary>Monday 00:00 UTC of the week holding <paramref name="utc"/>.</summary>
    public static DateTime Start(DateTime utc)
    {
        var day = utc.Date;
        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return DateTime.SpecifyKind(day.AddDays(-sinceMonday), DateTimeKind.Utc);
    }
}
