using System.Text;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class SeedCatalogueTests
{
    [Fact]
    public void The_shipped_seed_file_loads_with_at_least_fifty_valid_prices()
    {
        var prices = SeedCatalogue.Load();

        prices.Count.ShouldBeGreaterThanOrEqualTo(50);
        prices.ShouldAllBe(p => PriceTiers.IsValid(p.Tier));
        prices.ShouldAllBe(p => p.Origin == PriceOrigins.Seed && p.CheckedOn != null && p.Source != null);
        prices.ShouldAllBe(p => p.InputPerMTok >= 0 && p.OutputPerMTok >= 0 && p.EffectiveFrom.Kind == DateTimeKind.Utc);
        // Seed providers are spelled the way the catalogue normalises span providers.
        prices.ShouldAllBe(p => ProviderNames.Normalise(p.Provider) == p.Provider);
    }

    [Fact]
    public void Every_first_party_provider_in_the_seed_file_has_prices()
    {
        var providers = SeedCatalogue.Load().Select(p => p.Provider).ToHashSet();

        ProviderNames.FirstParty.ShouldBeSubsetOf(providers);
    }

    [Fact]
    public void The_seed_prices_dated_snapshot_names_of_its_own_models()
    {
        var prices = SeedCatalogue.Load();
        var catalogue = new PriceCatalogue(prices, []);
        var mini = prices.Single(p => p.Provider == "openai" && p.Model == "gpt-4o-mini");

        var match = catalogue.Find("openai", "gpt-4o-mini-2024-07-18", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc))!.Value;

        match.Price.ShouldBeSameAs(catalogue.Prices[prices.ToList().IndexOf(mini)]);
    }

    [Theory]
    [InlineData("tier", "\"huge\"", "tier \"huge\"")]
    [InlineData("inputPerMTok", "-1", "negative inputPerMTok")]
    [InlineData("cacheReadPerMTok", "-0.5", "negative cacheReadPerMTok")]
    [InlineData("effectiveFrom", "\"01/07/2026\"", "is not a yyyy-MM-dd date")]
    [InlineData("model", "\"\"", "needs a provider and a model")]
    [InlineData("inputPerMTok", "\"cheap\"", "is not valid")]
    public void A_broken_seed_entry_stops_loading_with_a_message_naming_the_problem(string field, string json, string expected)
    {
        var fields = new Dictionary<string, string>
        {
            ["provider"] = "\"openai\"", ["model"] = "\"broken-model\"", ["inputPerMTok"] = "1", ["outputPerMTok"] = "2",
            ["tier"] = "\"small\"", ["effectiveFrom"] = "\"2026-07-01\"",
        };
        fields[field] = json;
        var entry = "{" + string.Join(", ", fields.Select(f => $"\"{f.Key}\": {f.Value}")) + "}";
        var file = $$"""{ "checked": "2026-07-01", "prices": [ {{entry}} ] }""";

        var error = Should.Throw<InvalidDataException>(() => SeedCatalogue.Parse(new MemoryStream(Encoding.UTF8.GetBytes(file))));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void A_seed_file_without_prices_is_refused() =>
        Should.Throw<InvalidDataException>(() => SeedCatalogue.Parse(new MemoryStream("{\"checked\":\"2026-01-01\"}"u8.ToArray())))
            .Message.ShouldContain("prices");
}
