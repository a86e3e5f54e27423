using Tollgate.Analytics.Pricing;
using static Tollgate.Analytics.Tests.Pricing.TestPrices;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class PriceCatalogueDatingTests
{
    private static readonly DateTime SeedDate = Utc(2026, 7, 9);
    private static readonly DateTime CustomDate = Utc(2026, 12, 1);

    private static readonly PriceCatalogue Catalogue = new(
    [
        Make("openai", "gpt-4o", 2.5m, 10m, SeedDate, PriceOrigins.Seed, id: 1),
        Make("openai", "gpt-4o", 5m, 20m, CustomDate, PriceOrigins.Custom, id: 2),
        Make("openai", "gpt-4o", 4m, 16m, Utc(2027, 2, 1), PriceOrigins.Import, id: 3),
    ], []);

    [Fact]
    public void A_custom_price_applies_from_its_effective_date_and_spans_before_it_keep_the_older_price()
    {
        Catalogue.Find("openai", "gpt-4o", CustomDate.AddTicks(-1))!.Value.Price.Id.ShouldBe(1);
        Catalogue.Find("openai", "gpt-4o", CustomDate)!.Value.Price.Id.ShouldBe(2);
        Catalogue.Find("openai", "gpt-4o", Utc(2027, 1, 31))!.Value.Price.Id.ShouldBe(2);
        Catalogue.Find("openai", "gpt-4o", Utc(2027, 3, 1))!.Value.Price.Id.ShouldBe(3);
    }

    [Fact]
    public void A_seed_price_holds_back_in_time_before_its_checked_date()
    {
        var match = Catalogue.Find("openai", "gpt-4o", Utc(2024, 5, 13))!.Value;

        match.Price.Id.ShouldBe(1);
        match.Price.InputPerMTok.ShouldBe(2.5m);
    }

    [Fact]
    public void A_custom_or_imported_price_never_applies_before_its_effective_date()
    {
        var catalogue = new PriceCatalogue(
        [
            Make("acme", "house-model", 1m, 2m, CustomDate, PriceOrigins.Custom),
            Make("acme", "imported-model", 1m, 2m, CustomDate, PriceOrigins.Import),
            Make("acme", "imported-model", 3m, 4m, Utc(2027, 1, 1), PriceOrigins.Seed),
        ], []);

        catalogue.Find("acme", "house-model", CustomDate.AddDays(-1)).ShouldBeNull();
        catalogue.Find("acme", "house-model", CustomDate).ShouldNotBeNull();
        // The earliest price is an import, so the later seed price is not back-dated past it.
        catalogue.Find("acme", "imported-model", CustomDate.AddDays(-1)).ShouldBeNull();
    }

    [Fact]
    public void On_the_same_date_a_custom_price_beats_an_import_which_beats_the_seed()
    {
        var date = Utc(2026, 9, 1);
        var all = new PriceCatalogue(
        [
            Make("openai", "o3", 2m, 8m, date, PriceOrigins.Custom, id: 7),
            Make("openai", "o3", 2m, 8m, date, PriceOrigins.Seed, id: 5),
            Make("openai", "o3", 2m, 8m, date, PriceOrigins.Import, id: 6),
        ], []);
        var noCustom = new PriceCatalogue(all.Prices.Where(p => p.Origin != PriceOrigins.Custom), []);

        all.Find("openai", "o3", date.AddHours(1))!.Value.Price.Id.ShouldBe(7);
        noCustom.Find("openai", "o3", date.AddHours(1))!.Value.Price.Id.ShouldBe(6);
        // Before the date the seed still holds back in time, even though it lost on its own date.
        all.Find("openai", "o3", date.AddDays(-1))!.Value.Price.Id.ShouldBe(5);
    }

    [Fact]
    public void A_snapshot_whose_own_price_starts_later_falls_back_to_its_base_model_before_that()
    {
        var catalogue = new PriceCatalogue(
        [
            Make("openai", "gpt-4o", 2.5m, 10m, SeedDate, PriceOrigins.Seed, id: 1),
            Make("openai", "gpt-4o-2024-08-06", 3m, 12m, CustomDate, PriceOrigins.Custom, id: 2),
        ], []);

        catalogue.Find("openai", "gpt-4o-2024-08-06", CustomDate)!.Value.ShouldBe(new PriceMatch(catalogue.Prices[1], "gpt-4o-2024-08-06", MatchKind.Exact));
        var before = catalogue.Find("openai", "gpt-4o-2024-08-06", CustomDate.AddDays(-1))!.Value;
        before.Price.Id.ShouldBe(1);
        before.Kind.ShouldBe(MatchKind.Normalised);
    }

    [Fact]
    public void Changing_the_prices_given_to_a_catalogue_afterwards_does_not_change_it()
    {
        var price = Make("openai", "gpt-4o", 2.5m, 10m);
        var catalogue = new PriceCatalogue([price], []);

        price.InputPerMTok = 99m;

        catalogue.Find("openai", "gpt-4o", SeedDate)!.Value.Price.InputPerMTok.ShouldBe(2.5m);
    }
}
