namespace Tollgate.Testing;

/// <summary>
/// A clock that reads a chosen instant when created and then runs at the real rate, so that a
/// test decides the weekday and hour its app lives in while timers, delays and expiries still
/// behave as they do in production.
/// </summary>
public sealed class ShiftedClock(DateTime startUtc) : TimeProvider
{
    private TimeSpan _offset = startUtc.ToUniversalTime() - DateTime.UtcNow;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _offset;

    /// <summary>Moves the clock forward at once, as if that much time had passed.</summary>
    public void Advance(TimeSpan by) => _offset += by;

    /// <summary>
    /// Noon on the chosen weekday of the week before the current one: always a few days in the
    /// past (never the future, where spans would be refused), and the same point of the week
    /// whatever day the suite runs.
    /// </summary>
    public static DateTime LastWeeks(DayOfWeek day, int hour = 12)
    {
        var today = DateTime.UtcNow.Date;
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7)).AddDays(-7);
        return monday.AddDays(((int)day + 6) % 7).AddHours(hour);
    }
}
