namespace Tollgate.Analytics.Benchmarks;

/// <summary>The metrics that have industry bands (the keys of benchmark_bands).</summary>
public static class BenchmarkMetrics
{
    public const string CogsToRevenue = "ai_cogs_to_revenue";
    public const string CostPerRequest = "inference_cost_per_request";
    public const string RoutingCoverage = "routing_coverage";
    public const string FeatureProfitability = "feature_profitability";
}

/// <summary>
/// Industry bands for one metric. For a lower-is-better metric (COGS / revenue, cost per
/// request) the published bands read "low: above LowBound", "median: MedianFrom to MedianTo",
/// "elite: below EliteBound"; for a higher-is-better metric they mirror ("low: below",
/// "elite: above").
/// <para>Placement: a value is in the best band whose threshold it reaches. Elite needs strictly
/// better than EliteBound; median needs MedianTo or better (lower-is-better) / MedianFrom or
/// better (higher-is-better), bounds included; everything else is low. So a value in a gap
/// between published bands is placed in the worse neighbour: a COGS ratio of 12% (between
/// median's 15–25% and elite's below 10%) is median, 30% (between median and low's above 40%)
/// is low. A value better than the median range but not elite (COGS 12%) is still median.
/// No value (e.g. no revenue to divide by) has no band.</para>
/// </summary>
public sealed record BenchmarkBand(
    string Metric, string Label, string Unit, bool HigherIsBetter, decimal LowBound, decimal MedianFrom, decimal MedianTo, decimal EliteBound)
{
    public const string Low = "low";
    public const string Median = "median";
    public const string Elite = "elite";

    public string? Place(decimal? value)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (HigherIsBetter ? v > EliteBound : v < EliteBound)
        {
            return Elite;
        }

        return (HigherIsBetter ? v >= MedianFrom : v <= MedianTo) ? Median : Low;
    }

    /// <summary>Null when the bands are consistent (ordered from worst to best), else what to fix.</summary>
    public string? Problem()
    {
        if (MedianFrom > MedianTo)
        {
            return "medianFrom must not be above medianTo";
        }

        if (new[] { LowBound, MedianFrom, MedianTo, EliteBound }.Any(v => v < 0))
        {
            return "bounds must not be negative";
        }

        return HigherIsBetter
            ? LowBound <= MedianFrom && MedianTo <= EliteBound ? null : "for this metric low ≤ medianFrom ≤ medianTo ≤ elite"
            : EliteBound <= MedianFrom && MedianTo <= LowBound ? null : "for this metric elite ≤ medianFrom ≤ medianTo ≤ low";
    }
}
