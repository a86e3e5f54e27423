using System.Globalization;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Metrics;

/// <summary>
/// A query window [From, To) in whole UTC hours, the rollups' granularity: From is rounded
/// down and To up to the hour. Bounded, so a query never reads more than a year of rollups.
/// </summary>
public sealed record MetricsWindow(DateTime From, DateTime To)
{
    /// <summary>A window longer than this is refused: spans are kept 400 days by default, and longer windows only cost time.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(400);

    /// <summary>When a caller gives no window: the last seven days, a week of seasonality.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(7);

    public TimeSpan Length => To - From;

    /// <summary>The window of the same length just before this one, for trends.</summary>
    public MetricsWindow Previous => new(From - Length, From);

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
    public static MetricsWindow? TryCreate(DateTime? from, DateTime? to, DateTime nowUtc, out string? error)
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
        return new MetricsWindow(start, end);
    }

    public static MetricsWindow Create(DateTime from, DateTime to) =>
        TryCreate(from, to, to, out var error) ?? throw new ArgumentException(error);

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

}
