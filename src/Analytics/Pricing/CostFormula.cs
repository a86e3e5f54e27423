using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>The cost of one call in USD, from its token counts and a price per million tokens.</summary>
public static class CostFormula
{
    private const decimal TokensPerPriceUnit = 1_000_000m;

    /// <summary>
    /// (input − cacheRead − cacheWrite)·in + cacheRead·cacheReadPrice + cacheWrite·cacheWritePrice
    /// + (output − reasoning)·out + reasoning·reasoningPrice. Null when no count was reported.
    /// </summary>
    public static decimal? Compute(TokenUsage usage, Price price)
    {
        if (!usage.HasUsage)
        {
            return null;
        }

        // Missing counts are zero; negative ones are bad client data and count as zero too.
        var input = Count(usage.Input);
        var output = Count(usage.Output);
        var cacheRead = Count(usage.CacheRead);
        var cacheWrite = Count(usage.CacheWrite);
        var reasoning = Count(usage.Reasoning);

        // When a client reports more cached than input tokens (or more reasoning than output
        // tokens) the parts are still billed, but the remainder is clamped rather than negative.
        var uncachedInput = Math.Max(0m, input - cacheRead - cacheWrite);
        var plainOutput = Math.Max(0m, output - reasoning);

        var total = uncachedInput * price.InputPerMTok
            + cacheRead * (price.CacheReadPerMTok ?? price.InputPerMTok)
            + cacheWrite * (price.CacheWritePerMTok ?? price.InputPerMTok)
            + plainOutput * price.OutputPerMTok
            + reasoning * (price.ReasoningPerMTok ?? price.OutputPerMTok);
        return total / TokensPerPriceUnit;
    }

    private static decimal Count(long? tokens) => tokens is > 0 ? tokens.Value : 0m;
}
