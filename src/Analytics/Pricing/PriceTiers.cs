namespace Tollgate.Analytics.Pricing;

/// <summary>The model tiers of the catalogue (CONTRACT: small, mid, frontier).</summary>
public static class PriceTiers
{
    public const string Small = "small";
    public const string Mid = "mid";
    public const string Frontier = "frontier";

    public static IReadOnlyList<string> All { get; } = [Small, Mid, Frontier];

    public static bool IsValid(string? tier) => tier is Small or Mid or Frontier;
}
