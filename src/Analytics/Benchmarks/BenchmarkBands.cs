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
/// Industry bands for one metric, as published. For a lower-is-better metric (COGS / revenue,
/// cost per request) they read "low: above LowBound", "median: MedianFrom to MedianTo", "elite:
/// below EliteBound"; for a higher-is-better metric they mirror ("low: below", "elite: above").
/// <para>Published bands leave gaps (cost per request: elite below $0.005, median $0.01 to $0.05,
/// low above $0.10), so values are placed in <see cref="Ranges"/>, which cover the whole scale: a
/// value is in the best band whose threshold it reaches. Elite needs strictly better than
/// EliteBound; median needs MedianTo or better (lower-is-better) / MedianFrom or better
/// (higher-is-better); everything else is low. The median range thus reaches to the elite bound
/// (a COGS ratio of 12%, better than the published median but not elite, is median) and low begins
/// where median ends (30%, between the published median and low, is low). No value (e.g. no
/// revenue to divide by) has no band.</para>
/// </summary>
public sealed record BenchmarkBand(
    string Metric, string Label, string Unit, bool HigherIsBetter, decimal LowBound, decimal MedianFrom, decimal MedianTo, decimal EliteBound)
{
    public const string Low = "low";
    public const string Median = "median";
    public const string Elite = "elite";

    /// <summary>The bands values are placed in, without gaps or overlaps.</summary>
    public BandRanges Ranges => HigherIsBetter
        ? new(Low: new(Below: MedianFrom), Median: new(From: MedianFrom, To: EliteBound), Elite: new(Above: EliteBound))
        : new(Low: new(Above: MedianTo), Median: new(From: EliteBound, To: MedianTo), Elite: new(Below: EliteBound));

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

/// <summary>
/// One band's limits: values above <see cref="Above"/>, below <see cref="Below"/>, or from
/// <see cref="From"/> to <see cref="To"/> (both included).
/// </summary>
public sealed record BandRange(decimal? Above = null, decimal? Below = null, decimal? From = null, decimal? To = null);

/// <summary>The three bands of a metric, covering every value once.</summary>
public sealed record BandRanges(BandRange Low, BandRange Median, BandRange Elite);
