using System.Globalization;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Insights;

/// <summary>A time window, start inclusive and end exclusive, in UTC, optionally one project (null: all).</summary>
public sealed record InsightWindow(DateTime From, DateTime To, int? ProjectId = null)
{
    /// <summary>
    /// The longest window any insight reads raw spans over: a little over a year, enough for
    /// year-on-year views, while keeping each scan to a bounded number of partitions.
    /// </summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(400);

    /// <summary>The default window when none is given: the last 30 days.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(30);

    /// <summary>Null when the window is usable, else a sentence saying what to fix.</summary>
    public string? Problem() =>
        To <= From ? "'to' must be after 'from'"
        : To - From > MaxLength ? $"the window is limited to {MaxLength.TotalDays.ToString(CultureInfo.InvariantCulture)} days: narrow 'from' and 'to'"
        : null;

    /// <summary>
    /// The whole UTC hours covering this window (from rounded down, to rounded up): figures read
    /// from the hourly rollups have hour resolution.
    /// </summary>
    public InsightWindow WholeHours() => this with { From = UtcHour.Floor(From), To = UtcHour.Ceiling(To) };

    /// <summary>Fills the missing ends: to defaults to now, from to 30 days before to.</summary>
    public static InsightWindow Resolve(DateTime? from, DateTime? to, int? projectId, DateTime now)
    {
        var end = to?.ToUniversalTime() ?? now;
        var start = from?.ToUniversalTime() ?? end - DefaultLength;
        return new InsightWindow(start, end, projectId);
    }
}
