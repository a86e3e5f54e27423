using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Insights;

/// <summary>
/// The average cost of one billing call on each tier (small, mid, frontier), from the
/// organisation's own calls. A tier with no calls is estimated from the tier with the most
/// calls, scaled by the ratio of the two tiers' average catalogue prices; with no catalogue
/// price for either, the tier costs 0.
/// </summary>
public static class TierCosts
{
    /// <param name="cells">Billing calls and cost per feature, model and tier.</param>
    /// <param name="cataloguePrices">Average catalogue price per tier, any unit (only ratios are used).</param>
    /// <param name="costOf">The cost to count for a cell (defaults to its cost); lets scenarios apply price changes.</param>
    public static IReadOnlyDictionary<string, decimal> PerCall(
        IEnumerable<CostCell> cells, IReadOnlyDictionary<string, decimal> cataloguePrices, Func<CostCell, decimal>? costOf = null)
    {
        costOf ??= c => c.CostUsd;
        var byTier = cells.Where(c => PriceTiers.IsValid(c.Tier))
            .GroupBy(c => c.Tier!)
            .Where(g => g.Sum(c => c.Calls) > 0)
            .ToDictionary(g => g.Key, g => (Calls: g.Sum(c => c.Calls), Cost: g.Sum(costOf)));
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var reference = byTier.OrderByDescending(t => t.Value.Calls).ThenBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key).FirstOrDefault();
        foreach (var tier in PriceTiers.All)
        {
            if (byTier.TryGetValue(tier, out var measured))
            {
                result[tier] = measured.Cost / measured.Calls;
            }
            else if (reference is not null && cataloguePrices.TryGetValue(tier, out var price)
                && cataloguePrices.TryGetValue(reference, out var referencePrice) && referencePrice > 0)
            {
                result[tier] = byTier[reference].Cost / byTier[reference].Calls * price / referencePrice;
            }
            else
            {
                result[tier] = 0m;
            }
        }

        return result;
    }
}
