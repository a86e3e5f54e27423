namespace Tollgate.Analytics.Budgets;

/// <summary>
/// Forecast of a period's spend from its recent burn rate. Method: the hourly rate is a weighted
/// mean of the last three days' hourly averages (last 24 h weight 3, the 24 h before weight 2, the
/// 24 h before that weight 1), so a recent change shows quickly without one busy hour dominating;
/// forecast = spend so far + rate × hours left in the period. Never below the spend so far.
/// </summary>
public static class BurnRate
{
    public static decimal HourlyRate(decimal lastDay, decimal dayBefore, decimal twoDaysBefore) =>
        ((3m * lastDay) + (2m * dayBefore) + twoDaysBefore) / (6m * 24m);

    public static decimal Forecast(decimal spent, decimal hourlyRate, DateTime now, DateTime periodEnd)
    {
        var hoursLeft = (decimal)Math.Max(0, (periodEnd - now).TotalHours);
        return Math.Max(spent, spent + (hourlyRate * hoursLeft));
    }
}
