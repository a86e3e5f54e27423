namespace Tollgate.Analytics.Pricing;

/// <summary>Where a catalogue price came from (the prices.origin column).</summary>
public static class PriceOrigins
{
    /// <summary>Shipped with Tollgate in Pricing/Seed/prices.json.</summary>
    public const string Seed = "seed";

    /// <summary>Loaded from a price file such as LiteLLM's.</summary>
    public const string Import = "import";

    /// <summary>Entered by an admin through the API or the UI.</summary>
    public const string Custom = "custom";

    /// <summary>On the same effective date an admin's price beats an imported one, which beats the seed.</summary>
    public static int Precedence(string origin) => origin switch
    {
        Custom => 2,
        Import => 1,
        _ => 0,
    };
}
