using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Tests.Pricing;

/// <summary>Hand-made prices, so tests do not depend on what the seed file says today.</summary>
internal static class TestPrices
{
    public static readonly DateTime Jan2026 = Utc(2026, 1, 1);

    public static Price Make(
        string provider,
        string model,
        decimal input,
        decimal output,
        DateTime? effectiveFrom = null,
        string origin = PriceOrigins.Seed,
        decimal? cacheRead = null,
        decimal? cacheWrite = null,
        decimal? reasoning = null,
        int id = 0) => new()
    {
        Id = id,
        Provider = provider,
        Model = model,
        InputPerMTok = input,
        OutputPerMTok = output,
        CacheReadPerMTok = cacheRead,
        CacheWritePerMTok = cacheWrite,
        ReasoningPerMTok = reasoning,
        Tier = PriceTiers.Mid,
        EffectiveFrom = effectiveFrom ?? Jan2026,
        Origin = origin,
    };

    public static DateTime Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, DateTimeKind.Utc);
}
