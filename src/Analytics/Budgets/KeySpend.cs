using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// Spend of one project scope and key: the current ISO week, the current month, and the last
/// <see cref="HourSlots"/> hours in a ring for the burn rate. Spans from a later period start that
/// period afresh; spans from an earlier one are ignored. Guarded by its own lock.
/// </summary>
internal sealed class KeySpend
{
    /// <summary>Three days of hourly spend: the longest window the forecast weighs.</summary>
    public const int HourSlots = 72;

    private readonly Lock _lock = new();
    private readonly long[] _hourTags = new long[HourSlots];
    private readonly decimal[] _hourly = new decimal[HourSlots];
    private DateTime _weekStart;
    private decimal _week;
    private DateTime _monthStart;
    private decimal _month;

    public void Add(DateTime startTime, decimal cost)
    {
        var weekStart = IsoWeek.Start(startTime);
        var monthStart = BudgetPeriods.MonthStart(startTime);
        var hour = HourIndex(startTime);
        var slot = (int)(hour % HourSlots);
        lock (_lock)
        {
            if (weekStart > _weekStart)
            {
                (_weekStart, _week) = (weekStart, 0m);
            }

            if (weekStart == _weekStart)
            {
                _week += cost;
            }

            if (monthStart > _monthStart)
            {
                (_monthStart, _month) = (monthStart, 0m);
            }

            if (monthStart == _monthStart)
            {
                _month += cost;
            }

            if (_hourTags[slot] < hour)
            {
                (_hourTags[slot], _hourly[slot]) = (hour, 0m);
            }

            if (_hourTags[slot] == hour)
            {
                _hourly[slot] += cost;
            }
        }
    }

    /// <summary>Spend in the period of the given kind that starts at <paramref name="periodStart"/>.</summary>
    public decimal Spent(string period, DateTime periodStart)
    {
        lock (_lock)
        {
            return period == BudgetPeriods.Weekly
                ? (_weekStart == periodStart ? _week : 0m)
                : (_monthStart == periodStart ? _month : 0m);
        }
    }

    /// <summary>Spend of the hours <c>[now - hoursBack, now)</c> counted by whole hour buckets, the current one included.</summary>
    public decimal LastHours(DateTime now, int hoursBack, int skipHours = 0)
    {
        var current = HourIndex(now);
        var sum = 0m;
        lock (_lock)
        {
            for (var h = current - skipHours; h > current - skipHours - hoursBack; h--)
            {
                var slot = (int)(h % HourSlots);
                if (_hourTags[slot] == h)
                {
                    sum += _hourly[slot];
                }
            }
        }

        return sum;
    }

    public static long HourIndex(DateTime utc) => utc.Ticks / TimeSpan.TicksPerHour;
}
