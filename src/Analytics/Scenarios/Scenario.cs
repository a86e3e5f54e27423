using System.Globalization;

namespace Tollgate.Analytics.Scenarios;

/// <summary>A model whose price changes by a factor (1.5 = 50% dearer): "provider/model" or the model name alone.</summary>
public sealed record ModelPriceChange(string Model, decimal Multiplier);

/// <summary>
/// A what-if over the organisation's baseline: more volume, another tier mix, more cache hits,
/// price changes. Tier shares are given all three or not at all, and add up to 1.
/// </summary>
public sealed record Scenario(
    decimal VolumeMultiplier = 1m,
    decimal? SmallShare = null,
    decimal? MidShare = null,
    decimal? FrontierShare = null,
    decimal CacheHitRateDelta = 0m,
    IReadOnlyList<ModelPriceChange>? ModelPriceChanges = null)
{
    /// <summary>A million times today's volume is past any plan worth projecting linearly.</summary>
    public const decimal MaxVolumeMultiplier = 1_000_000m;

    /// <summary>Keeps the request small; a plan rarely reprices more than a handful of models.</summary>
    public const int MaxPriceChanges = 100;

    /// <summary>Rounding slack when checking that the tier shares add up to 1.</summary>
    private const decimal ShareTolerance = 0.001m;

    public bool HasTierMix => SmallShare is not null || MidShare is not null || FrontierShare is not null;

    /// <summary>Null when the scenario can be projected, else what to fix.</summary>
    public string? Problem()
    {
        if (VolumeMultiplier <= 0 || VolumeMultiplier > MaxVolumeMultiplier)
        {
            return $"volumeMultiplier must be above 0 and at most {MaxVolumeMultiplier.ToString(CultureInfo.InvariantCulture)}";
        }

        if (HasTierMix)
        {
            if (SmallShare is not { } s || MidShare is not { } m || FrontierShare is not { } f)
            {
                return "give smallShare, midShare and frontierShare together, or none of them";
            }

            if (s < 0 || m < 0 || f < 0 || Math.Abs(s + m + f - 1m) > ShareTolerance)
            {
                return "smallShare, midShare and frontierShare must each be 0..1 and add up to 1";
            }
        }

        if (CacheHitRateDelta is < -1m or > 1m)
        {
            return "cacheHitRateDelta must be between -1 and 1 (a change of the hit rate, e.g. 0.2 for 20 points more)";
        }

        var changes = ModelPriceChanges ?? [];
        if (changes.Count > MaxPriceChanges)
        {
            return $"at most {MaxPriceChanges} modelPriceChanges";
        }

        return changes.Any(c => string.IsNullOrWhiteSpace(c.Model) || c.Multiplier < 0)
            ? "each modelPriceChanges item needs a model and a multiplier of 0 or more"
            : null;
    }
}
