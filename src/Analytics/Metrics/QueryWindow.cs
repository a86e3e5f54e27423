using System.Globalization;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Metrics;

/// <summary>
/// The window [From, To) in UTC, and optionally one project (null: every project the caller may
/// see), of every analytics read. Metrics build it in whole UTC hours, the rollups' granularity
/// (<see cref="TryCreate"/>: From rounded down, To up); insights resolve it as asked
/// (<see cref="Resolve"/>) and read whole hours around it. Bounded, so a query never reads more
/// than a year of rollups.
/// </summary>
public sealed record QueryWindow(DateTime From, DateTime To, int? ProjectId = null)
{
    /// <summary>A window longer than this is refused: spans are kept 400 days by default, and longer windows only cost time.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(400);

    /// <summary>When a caller of the metrics gives no window: the last seven days, a week of seasonality.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(7);

    /// <summary>When a caller of the insights (map, debt, maturity, benchmarks, scenarios) gives no window: the last 30 days.</summary>
    public static readonly TimeSpan DefaultInsightLength = TimeSpan.FromDays(30);

    public TimeSpan Length => To - From;

    /// <summary>The window of the same length just before this one, for trends.</summary>
    public QueryWindow Previous => this with { From = From - Length, To = From };

    /// <summary>Null when the window is usable, else a sentence saying what to fix.</summary>
    public string? Problem() =>
        To <= From ? "'to' must be after 'from'"
        : To - From > MaxLength ? $"the window is limited to {MaxLength.TotalDays.ToString(CultureInfo.InvariantCulture)} days: narrow 'from' and 'to'"
        : null;

    /// <summary>The whole UTC hours covering this window (from rounded down, to rounded up).</summary>
    public QueryWindow WholeHours() => this with { From = UtcHour.Floor(From), To = UtcHour.Ceiling(To) };

    /// <summary>An insight's window: to defaults to now, from to <see cref="DefaultInsightLength"/> before to.</summary>
    public static QueryWindow Resolve(DateTime? from, DateTime? to, int? projectId, DateTime now)
    {
        var end = to?.ToUniversalTime() ?? now;
        var start = from?.ToUniversalTime() ?? end - DefaultInsightLength;
        return new QueryWindow(start, end, projectId);
    }

    /// <summary>Whole days inside the window (read from daily rollups); empty when there is none.</summary>
    internal (DateTime From, DateTime To) Days
    {
        get
        {
            var first = From == From.Date ? From : From.Date.AddDays(1);
            var last = To.Date;
            return first < last ? (first, last) : (From, From);
        }
    }

    /// <summary>
    /// Whole ISO weeks (Monday 00:00 UTC) inside the whole days, read from weekly rollups where a
    /// table has them; when there is none, both ends are the end of the whole days, so that the
    /// days before and after it cover all of them.
    /// </summary>
    internal (DateTime From, DateTime To) Weeks
    {
        get
        {
            var (dayFrom, dayTo) = Days;
            var first = IsoWeek.Start(dayFrom);
            first = first == dayFrom ? first : first.AddDays(7);
            var last = IsoWeek.Start(dayTo);
            return first < last ? (first, last) : (dayTo, dayTo);
        }
    }

    /// <summary>Builds a window from optional bounds; the error says what to fix.</summary>
    public static QueryWindow? TryCreate(DateTime? from, DateTime? to, DateTime nowUtc, out string? error)
    {
        if (QueryTimes.Problem(from, to) is { } problem)
        {
            error = problem;
            return null;
        }

        var end = UtcHour.Ceiling(to is { } t ? Utc(t) : nowUtc);
        var start = UtcHour.Floor(from is { } f ? Utc(f) : end - DefaultLength);
        if (end <= start)
        {
            error = "'to' must be after 'from' (from is inclusive, to exclusive; both are rounded to whole hours).";
            return null;
        }

        if (end - start > MaxLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The window is longer than {MaxLength.TotalDays} days: ask for a shorter one.");
            return null;
        }

        error = null;
        return new QueryWindow(start, end);
    }

    public static QueryWindow Create(DateTime from, DateTime to) =>
        TryCreate(from, to, to, out var error) ?? throw new ArgumentException(error);

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

}
