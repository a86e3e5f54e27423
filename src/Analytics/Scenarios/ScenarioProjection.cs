using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Scenarios;

/// <summary>One feature (or the total, Feature null and IsTotal) today and under the scenario.</summary>
public sealed record ScenarioRow(
    string? Feature,
    decimal CostUsd,
    decimal RevenueUsd,
    decimal MarginUsd,
    decimal? MarginPct,
    decimal ProjectedCostUsd,
    decimal ProjectedRevenueUsd,
    decimal ProjectedMarginUsd,
    decimal? ProjectedMarginPct);

public sealed record ScenarioResult(DateTime From, DateTime To, IReadOnlyList<ScenarioRow> Rows, ScenarioRow Total);

/// <summary>
/// Projects each feature's cost and margin under a <see cref="Scenario"/>, from the
/// organisation's own baseline. The rules, applied per feature in this order:
/// <list type="number">
/// <item><b>Model prices</b>: the cost of calls on a repriced model is multiplied by its multiplier.</item>
/// <item><b>Tier mix</b>: the cost of the feature's calls with a known tier is multiplied by
/// Σ newShare(t)·u(t) / Σ share(t)·u(t), where share(t) is the feature's share of tiered calls on
/// tier t today and u(t) the organisation's cost per call on t after step 1
/// (<see cref="TierCosts.PerCall"/>: catalogue price ratios stand in for a tier without calls).
/// Calls with no known tier keep their cost.</item>
/// <item><b>Cache</b>: with today's hit rate h (cache-hit requests / requests) and the new rate
/// h' = clamp(h + delta, 0, 1), cost, which comes only from uncached requests, is multiplied
/// by (1 − h') / (1 − h). A feature already served wholly from cache keeps its cost.</item>
/// <item><b>Volume</b>: cost and revenue are both multiplied by the volume multiplier.</item>
/// </list>
/// Margin = revenue − cost; margin % = margin / revenue as a fraction, null without revenue.
/// Money is rounded to 6 decimals and fractions to 4.
/// </summary>
public static class ScenarioProjection
{
    public static ScenarioResult Project(OrganisationFigures baseline, Scenario scenario)
    {
        if (scenario.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(scenario));
        }

        var changes = scenario.ModelPriceChanges ?? [];
        decimal Multiplier(string? model) =>
            changes.Where(c => Matches(model, c.Model)).Select(c => c.Multiplier).DefaultIfEmpty(1m).First();
        decimal CostOf(CostCell cell) => cell.CostUsd * Multiplier(cell.Model);
        var unitCost = TierCosts.PerCall(baseline.Cells, baseline.CatalogueTierPrices, CostOf);

        var rows = baseline.Features.Select(f => ProjectFeature(f, baseline.Cells.Where(c => c.Feature == f.Feature).ToList(), scenario, unitCost, CostOf)).ToList();
        var total = Row(null, rows.Sum(r => r.CostUsd), rows.Sum(r => r.RevenueUsd), rows.Sum(r => r.ProjectedCostUsd), rows.Sum(r => r.ProjectedRevenueUsd));
        return new ScenarioResult(baseline.Window.From, baseline.Window.To, rows, total);
    }

    private static ScenarioRow ProjectFeature(FeatureFigures feature, List<CostCell> cells, Scenario scenario,
        IReadOnlyDictionary<string, decimal> unitCost, Func<CostCell, decimal> costOf)
    {
        var tiered = cells.Where(c => PriceTiers.IsValid(c.Tier)).ToList();
        var untieredCost = cells.Except(tiered).Sum(costOf);
        var tieredCost = tiered.Sum(costOf);
        var tieredCalls = tiered.Sum(c => c.Calls);
        if (scenario.HasTierMix && tieredCalls > 0)
        {
            var today = tiered.GroupBy(c => c.Tier!).Sum(g => (decimal)g.Sum(c => c.Calls) / tieredCalls * unitCost[g.Key]);
            var planned = scenario.SmallShare!.Value * unitCost[PriceTiers.Small] + scenario.MidShare!.Value * unitCost[PriceTiers.Mid]
                + scenario.FrontierShare!.Value * unitCost[PriceTiers.Frontier];
            tieredCost = today > 0 ? tieredCost * planned / today : tieredCost;
        }

        var cost = untieredCost + tieredCost;
        if (feature.Requests > 0 && feature.CacheHitRequests < feature.Requests && scenario.CacheHitRateDelta != 0)
        {
            var hitRate = (decimal)feature.CacheHitRequests / feature.Requests;
            var newHitRate = Math.Clamp(hitRate + scenario.CacheHitRateDelta, 0m, 1m);
            cost *= (1m - newHitRate) / (1m - hitRate);
        }

        return Row(feature.Feature, feature.CostUsd, feature.RevenueUsd, cost * scenario.VolumeMultiplier, feature.RevenueUsd * scenario.VolumeMultiplier);
    }

    private static ScenarioRow Row(string? feature, decimal cost, decimal revenue, decimal projectedCost, decimal projectedRevenue)
    {
        cost = Money(cost);
        revenue = Money(revenue);
        projectedCost = Money(projectedCost);
        projectedRevenue = Money(projectedRevenue);
        return new ScenarioRow(feature, cost, revenue, revenue - cost, Pct(revenue - cost, revenue),
            projectedCost, projectedRevenue, projectedRevenue - projectedCost, Pct(projectedRevenue - projectedCost, projectedRevenue));
    }

    private static bool Matches(string? cellModel, string wanted) =>
        cellModel is not null && (string.Equals(cellModel, wanted, StringComparison.OrdinalIgnoreCase)
            || string.Equals(cellModel[(cellModel.IndexOf('/', StringComparison.Ordinal) + 1)..], wanted, StringComparison.OrdinalIgnoreCase));

    private static decimal Money(decimal value) => decimal.Round(value, 6, MidpointRounding.AwayFromZero);

    private static decimal? Pct(decimal margin, decimal revenue) => revenue == 0 ? null : decimal.Round(margin / revenue, 4, MidpointRounding.AwayFromZero);
}
