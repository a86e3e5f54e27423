using Tollgate.Analytics.Insights;

namespace Tollgate.Analytics.Benchmarks;

/// <summary>One metric: the organisation's value (null when undefined) and the band it falls in.</summary>
public sealed record BenchmarkRow(BenchmarkBand Bands, decimal? Value, string? Band);

/// <summary>
/// The organisation's figures against industry bands. Values: AI COGS / revenue = billing cost
/// / prorated revenue; inference cost per request = billing cost / traces; routing coverage =
/// routed traces / traces; AI feature profitability = features with revenue above cost / named
/// features with cost or revenue in the window.
/// </summary>
public static class BenchmarkReport
{
    public static IReadOnlyList<BenchmarkRow> Build(OrganisationFigures figures, IReadOnlyList<BenchmarkBand> bands) =>
        [.. bands.Select(b => Row(b, Value(b.Metric, figures)))];

    public static decimal? Value(string metric, OrganisationFigures figures)
    {
        var features = figures.Features.Where(f => f.Feature is not null && (f.CostUsd > 0 || f.RevenueUsd > 0)).ToList();
        return metric switch
        {
            BenchmarkMetrics.CogsToRevenue => figures.RevenueUsd > 0 ? Round(figures.CostUsd / figures.RevenueUsd) : null,
            BenchmarkMetrics.CostPerRequest => figures.Requests > 0 ? Round(figures.CostUsd / figures.Requests) : null,
            BenchmarkMetrics.RoutingCoverage => figures.Requests > 0 ? Round((decimal)figures.RoutedRequests / figures.Requests) : null,
            BenchmarkMetrics.FeatureProfitability => features.Count > 0 ? Round((decimal)features.Count(f => f.MarginUsd > 0) / features.Count) : null,
            _ => null,
        };
    }

    private static BenchmarkRow Row(BenchmarkBand bands, decimal? value) => new(bands, value, bands.Place(value));

    private static decimal Round(decimal value) => decimal.Round(value, 6, MidpointRounding.AwayFromZero);
}
