using System.Globalization;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>What every price must satisfy before it enters the catalogue, wherever it came from.</summary>
public static class PriceRules
{
    // The price columns are numeric(14,6): at most eight digits before the point.
    public const decimal MaxPerMTok = 99_999_999.999999m;

    /// <summary>What is wrong with the price, phrased to follow its name ("has a negative ..."), or null.</summary>
    public static string? Problem(Price price)
    {
        if (string.IsNullOrWhiteSpace(price.Provider) || string.IsNullOrWhiteSpace(price.Model))
        {
            return "needs a provider and a model";
        }

        if (!PriceTiers.IsValid(price.Tier))
        {
            return $"has tier \"{price.Tier}\"; use one of {string.Join(", ", PriceTiers.All)}";
        }

        foreach (var (field, value) in new[]
        {
            ("inputPerMTok", (decimal?)price.InputPerMTok), ("outputPerMTok", price.OutputPerMTok),
            ("cacheReadPerMTok", price.CacheReadPerMTok), ("cacheWritePerMTok", price.CacheWritePerMTok),
            ("reasoningPerMTok", price.ReasoningPerMTok),
        })
        {
            if (value < 0)
            {
                return $"has a negative {field}";
            }

            if (value > MaxPerMTok)
            {
                return string.Create(CultureInfo.InvariantCulture, $"has {field} above {MaxPerMTok} USD per million tokens");
            }
        }

        return null;
    }
}
