using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Rollups;

/// <summary>The catalogue tier of a span's model: from the price it was priced with, else from a catalogue lookup.</summary>
internal sealed class TierResolver(PriceCatalogue catalogue)
{
    private readonly Dictionary<int, string> _byPriceId = catalogue.Prices.ToDictionary(p => p.Id, p => p.Tier);
    private readonly Dictionary<(string?, string?), string?> _byModel = [];

    public string? Tier(string? routeTier, int? priceId, string? provider, string? model, DateTime startUtc)
    {
        if (routeTier is not null)
        {
            return routeTier;
        }

        if (priceId is { } id && _byPriceId.TryGetValue(id, out var tier))
        {
            return tier;
        }

        if (model is null)
        {
            return null;
        }

        // Tiers do not change with a model's price dates, so one lookup per model is enough.
        if (!_byModel.TryGetValue((provider, model), out var found))
        {
            _byModel[(provider, model)] = found = catalogue.Find(provider, model, startUtc)?.Price.Tier;
        }

        return found;
    }
}
