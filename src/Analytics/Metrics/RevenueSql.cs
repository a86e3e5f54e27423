namespace Tollgate.Analytics.Metrics;

/// <summary>Revenue prorated to the window [@from, @to) by the overlap of each revenue period.</summary>
internal static class RevenueSql
{
    /// <summary>An aggregate expression over revenue rows; null when no row overlaps.</summary>
    public const string Prorated =
        "sum(amount_usd * extract(epoch FROM least(period_end, @to) - greatest(period_start, @from)) / extract(epoch FROM period_end - period_start))";
}
