using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Rollups;

/// <summary>
/// The tier a billing span counts under in the tier mix: the router's <c>tollgate.route.tier</c>
/// when it names a tier (small, mid or frontier, in any case), else the catalogue tier of the
/// span's model, from the price it was priced with or a catalogue lookup. A route tier outside the
/// three (a router's own label, such as "premium") does not hide the call from the tier mix.
/// </summary>
internal sealed class TierResolver(PriceCatalogue catalogue)
{
    private readonly Dictionary<int, string> _byPriceId = catalogue.Prices.ToDictionary(p => p.Id, p => p.Tier);
    private readonly Dictionary<(string?, string?), string?> _byModel = [];

    public string? Tier(string? routeTier, int? priceId, string? provider, string? model, DateTime startUtc)
    {
        if (routeTier?.Trim().ToLowerInvariant() is { } named && PriceTiers.IsValid(named))
        {
            return named;
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
