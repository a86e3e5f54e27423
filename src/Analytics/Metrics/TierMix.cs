namespace Tollgate.Analytics.Metrics;

/// <summary>Shares (0..1) by model tier of billing calls or of routed requests, among those whose tier is known; null when none is.</summary>
public sealed record TierMix(double? Small, double? Mid, double? Frontier)
{
    public static TierMix From(long small, long mid, long frontier)
    {
        var known = small + mid + frontier;
        return known == 0 ? new TierMix(null, null, null) : new TierMix((double)small / known, (double)mid / known, (double)frontier / known);
    }
}
