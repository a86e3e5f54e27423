namespace Tollgate.Analytics.Pricing;

/// <summary>The values of spans.cost_source.</summary>
public static class CostSources
{
    /// <summary>The span carried its own cost (<c>gen_ai.usage.cost</c> and aliases).</summary>
    public const string Provided = "provided";

    /// <summary>The cost was computed from the catalogue price valid at the span's start.</summary>
    public const string Computed = "computed";
}

/// <summary>The cost columns of one span: computed_cost_usd, price_id, cost_source.</summary>
public readonly record struct SpanCost(decimal? ComputedCostUsd, int? PriceId, string? CostSource);

/// <summary>
/// Prices one span. Ingest and re-pricing both call this, so a re-priced span holds exactly
/// what ingest would have stored with the same catalogue.
/// </summary>
public static class SpanPricer
{
    // spans.computed_cost_usd is numeric(20,10); rounding here keeps memory and database equal.
    private const int StoredDecimals = 10;

    public static SpanCost Price(
        PriceCatalogue catalogue, string? provider, string? model, DateTime startUtc, TokenUsage usage, decimal? providedCostUsd)
    {
        decimal? computed = null;
        int? priceId = null;
        if (usage.HasUsage && catalogue.Find(provider, model, startUtc) is { } match)
        {
            var cost = Math.Round(CostFormula.Compute(usage, match.Price)!.Value, StoredDecimals, MidpointRounding.AwayFromZero);
            // A billion dollars for one call is a bug in the usage or the price, not a bill.
            if (cost < CostLimits.MaxUsd)
            {
                computed = cost;
                // Id 0 is a price that was never stored (a catalogue built straight from the seed file).
                priceId = match.Price.Id > 0 ? match.Price.Id : null;
            }
        }

        var source = providedCostUsd is not null ? CostSources.Provided
            : computed is not null ? CostSources.Computed
            : null;
        return new SpanCost(computed, priceId, source);
    }
}
