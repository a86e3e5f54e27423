using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>
/// Prices spans at ingest with the catalogue price valid at each span's start. Both a provided
/// cost and the computed one are kept; the provided one counts. A model the catalogue does not
/// know keeps a null cost (listed as unpriced), never a silent zero.
/// </summary>
public sealed class SpanPricer(CurrentPrices prices)
{
    public void Price(List<SpanRecord> spans)
    {
        var catalogue = prices.Catalogue;
        foreach (var span in spans)
        {
            if (span.Model is not null && (span.InputTokens is not null || span.OutputTokens is not null)
                && catalogue.Find(span.Provider, span.Model, span.StartTime) is { } match)
            {
                var usage = new TokenUsage(span.InputTokens, span.OutputTokens, span.CacheReadTokens, span.CacheWriteTokens, span.ReasoningTokens);
                span.ComputedCostUsd = CostFormula.Compute(usage, match.Price);
                span.PriceId = match.Price.Id;
            }

            span.CostSource = span.ProvidedCostUsd is not null ? "provided" : span.ComputedCostUsd is not null ? "computed" : null;
        }
    }
}
