namespace Tollgate.Analytics.Metrics;

/// <summary>Shares (0..1) of billing calls by model tier, among calls whose tier is known; null when none is.</summary>
public sealed record TierMix(double? Small, double? Mid, double? Frontier)
{
    public static TierMix From(long small, long mid, long frontier)
    {
        var known = small + mid + frontier;
        return known == 0 ? new TierMix(null, null, null) : new TierMix((double)small / known, (double)mid / known, (double)frontier / known);
    }
}
