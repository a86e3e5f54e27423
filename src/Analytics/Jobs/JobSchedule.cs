namespace Tollgate.Analytics.Jobs;

/// <summary>Intervals as cron expressions (with a seconds field, as Hangfire reads them).</summary>
public static class JobSchedule
{
    /// <summary>
    /// Whether <paramref name="interval"/> divides a minute or an hour evenly: cron fires on the
    /// clock, so an interval like 45 s would leave a short gap at every minute's turn.
    /// </summary>
    public static bool IsEven(TimeSpan interval) => interval.Ticks > 0 && interval.Ticks % TimeSpan.TicksPerSecond == 0 && (
        (interval < TimeSpan.FromMinutes(1) && 60 % interval.TotalSeconds == 0)
        || (interval <= TimeSpan.FromHours(1) && interval.Ticks % TimeSpan.TicksPerMinute == 0 && 60 % interval.TotalMinutes == 0));

    /// <summary>The cron expression that fires every <paramref name="interval"/>, on the clock.</summary>
    public static string Every(TimeSpan interval)
    {
        if (!IsEven(interval))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must divide a minute or an hour evenly.");
        }

        return interval switch
        {
            _ when interval == TimeSpan.FromSeconds(1) => "* * * * * *",
            _ when interval < TimeSpan.FromMinutes(1) => $"*/{(int)interval.TotalSeconds} * * * * *",
            _ when interval == TimeSpan.FromMinutes(1) => "0 * * * * *",
            _ when interval < TimeSpan.FromHours(1) => $"0 */{(int)interval.TotalMinutes} * * * *",
            _ => "0 0 * * * *",
        };
    }
}
