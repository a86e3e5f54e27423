using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>
/// Prices spans at ingest with the catalogue price valid at each span's start, through the same
/// <see cref="SpanPricer"/> that re-pricing uses. A provided cost counts when present; the
/// computed one is kept beside it. An unknown model keeps a null cost (listed as unpriced).
/// </summary>
public sealed class IngestPricer(CurrentPrices prices)
{
    public void Price(List<SpanRecord> spans)
    {
        var catalogue = prices.Catalogue;
        foreach (var span in spans)
        {
            var usage = new TokenUsage(span.InputTokens, span.OutputTokens, span.CacheReadTokens, span.CacheWriteTokens, span.ReasoningTokens);
            var cost = SpanPricer.Price(catalogue, span.Provider, span.Model, span.StartTime, usage, span.ProvidedCostUsd);
            span.ComputedCostUsd = cost.ComputedCostUsd;
            span.PriceId = cost.PriceId;
            span.CostSource = cost.CostSource;
        }
    }
}
