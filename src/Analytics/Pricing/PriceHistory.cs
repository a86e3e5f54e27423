using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>Every price of one (provider, model), oldest first; on one date, seed before import before custom.</summary>
internal sealed class PriceHistory
{
    private readonly Price[] _prices;

    public PriceHistory(string provider, IEnumerable<Price> prices)
    {
        Provider = provider;
        _prices = prices
            .OrderBy(p => p.EffectiveFrom)
            .ThenBy(p => PriceOrigins.Precedence(p.Origin))
            .ThenBy(p => p.Id)
            .ToArray();
        Model = _prices[^1].Model;
    }

    public string Provider { get; }

    /// <summary>The model's name as the catalogue spells it (from its newest price).</summary>
    public string Model { get; }

    /// <summary>The price for a span that started at <paramref name="startUtc"/>, or null.</summary>
    public Price? At(DateTime startUtc)
    {
        for (var i = _prices.Length - 1; i >= 0; i--)
        {
            if (_prices[i].EffectiveFrom <= startUtc)
            {
                return _prices[i];
            }
        }

        // The seed file records the date a price was checked, not the date the provider set it,
        // so a seed price is taken to hold back in time: a span older than every price of its
        // model gets the earliest price if that is a seed price. A custom or imported price is
        // dated by whoever entered it and never applies before its date.
        return _prices[0].Origin == PriceOrigins.Seed ? _prices[0] : null;
    }
}
