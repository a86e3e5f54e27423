using Tollgate.Analytics.Pricing;
using static Tollgate.Analytics.Tests.Pricing.TestPrices;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class PriceCatalogueMatchingTests
{
    private static readonly DateTime When = Utc(2026, 6, 1);

    // Distinct input prices make every match identifiable.
    private static readonly PriceCatalogue Catalogue = new(
    [
        Make("openai", "gpt-4o", 2.5m, 10m),
        Make("openai", "gpt-4o-mini", 0.15m, 0.6m),
        Make("openai", "gpt-4.1", 2m, 8m),
        Make("openai", "gpt-4", 30m, 60m),
        Make("anthropic", "claude-haiku-4-5", 1m, 5m),
        Make("google", "gemini-2.5-flash", 0.3m, 2.5m),
        Make("google", "gemini-3.1-pro-preview", 2.1m, 12m),
        Make("mistral", "ministral-8b-latest", 0.151m, 0.15m),
        Make("xai", "grok-4.3", 1.25m, 2.5m),
        Make("aws.bedrock", "meta.llama3-3-70b-instruct-v1:0", 0.72m, 0.72m),
        Make("aws.bedrock", "anthropic.claude-haiku-4-5", 1.1m, 5.5m),
        Make("groq", "meta-llama/llama-4-scout-17b-16e-instruct", 0.11m, 0.34m),
        Make("together", "gpt-4o", 9.9m, 9.9m),
    ], []);

    private static (string Model, string Provider, decimal Input, MatchKind Kind)? Find(string? provider, string? model, PriceCatalogue? catalogue = null) =>
        (catalogue ?? Catalogue).Find(provider, model, When) is { } m ? (m.CanonicalModel, m.Price.Provider, m.Price.InputPerMTok, m.Kind) : null;

    [Fact]
    public void An_exact_name_matches_ignoring_case()
    {
        Find("openai", "gpt-4o").ShouldBe(("gpt-4o", "openai", 2.5m, MatchKind.Exact));
        Find("OpenAI", "GPT-4o-Mini").ShouldBe(("gpt-4o-mini", "openai", 0.15m, MatchKind.Exact));
    }

    [Theory]
    [InlineData("azure.ai.openai", "gpt-4o", 2.5)]
    [InlineData("gcp.gemini", "gemini-2.5-flash", 0.3)]
    [InlineData("gcp.vertex_ai", "gemini-2.5-flash", 0.3)]
    [InlineData("gcp.gen_ai", "gemini-2.5-flash", 0.3)]
    [InlineData("google", "gemini-2.5-flash", 0.3)]
    [InlineData("vertex_ai", "gemini-2.5-flash", 0.3)]
    [InlineData("mistral_ai", "ministral-8b-latest", 0.151)]
    [InlineData("x_ai", "grok-4.3", 1.25)]
    [InlineData("aws.bedrock", "meta.llama3-3-70b-instruct-v1:0", 0.72)]
    [InlineData("bedrock", "meta.llama3-3-70b-instruct-v1:0", 0.72)]
    public void OpenTelemetry_provider_names_map_onto_catalogue_providers(string provider, string model, decimal input) =>
        Find(provider, model)!.Value.Input.ShouldBe(input);

    [Theory]
    [InlineData(null, "openai/gpt-4o", "openai", 2.5)]
    [InlineData(null, "azure/gpt-4o", "openai", 2.5)]
    [InlineData(null, "anthropic/claude-haiku-4-5", "anthropic", 1)]
    [InlineData("openai", "openai/gpt-4o-mini", "openai", 0.15)]
    [InlineData("openrouter", "openrouter/anthropic/claude-haiku-4-5", "anthropic", 1)]
    [InlineData(null, "groq/meta-llama/llama-4-scout-17b-16e-instruct", "groq", 0.11)]
    public void A_provider_qualified_name_is_stripped_and_its_prefix_gives_the_provider(string? provider, string model, string expectedProvider, decimal input)
    {
        var match = Find(provider, model)!.Value;

        match.Provider.ShouldBe(expectedProvider);
        match.Input.ShouldBe(input);
        match.Kind.ShouldBe(MatchKind.Normalised);
    }

    [Theory]
    [InlineData("openai", "gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5")]
    [InlineData("anthropic", "claude-haiku-4-5-latest", "claude-haiku-4-5")]
    [InlineData("gcp.vertex_ai", "gemini-2.5-flash@2025-06-17", "gemini-2.5-flash")]
    [InlineData("anthropic", "claude-haiku-4-5@20251001", "claude-haiku-4-5")]
    [InlineData("google", "gemini-3.1-pro-preview-11-20", "gemini-3.1-pro-preview")]
    [InlineData("google", "gemini-2.5-flash-preview-05-20", "gemini-2.5-flash")]
    [InlineData("google", "gemini-2.5-flash-001", "gemini-2.5-flash")]
    [InlineData("openai", "gpt-4-0613", "gpt-4")]
    [InlineData("aws.bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5")]
    [InlineData("aws.bedrock", "us.meta.llama3-3-70b-instruct-v1:0", "meta.llama3-3-70b-instruct-v1:0")]
    public void Dated_snapshots_and_version_suffixes_match_their_model(string provider, string model, string expected)
    {
        var match = Find(provider, model)!.Value;

        match.Model.ShouldBe(expected);
        match.Kind.ShouldBe(MatchKind.Normalised);
    }

    [Fact]
    public void A_dated_mini_snapshot_matches_the_mini_model_and_never_its_bigger_sibling()
    {
        Find("openai", "gpt-4o-mini-2024-07-18").ShouldBe(("gpt-4o-mini", "openai", 0.15m, MatchKind.Normalised));

        var withoutMini = new PriceCatalogue([Make("openai", "gpt-4o", 2.5m, 10m)], []);
        Find("openai", "gpt-4o-mini-2024-07-18", withoutMini).ShouldBeNull();
        Find("openai", "gpt-4o-mini", withoutMini).ShouldBeNull();
    }

    [Theory]
    [InlineData("gpt-4.1-mini")]
    [InlineData("gpt-4.1-nano-2025-04-14")]
    [InlineData("gpt-4-1106-preview")]
    [InlineData("gpt-4o-realtime-preview")]
    [InlineData("gpt-4o-audio-preview-2024-12-17")]
    public void A_different_model_of_the_same_family_is_not_matched_by_accident(string model) =>
        Find("openai", model).ShouldBeNull();

    [Fact]
    public void Without_a_provider_every_provider_is_searched_and_first_party_ones_win_over_hosts()
    {
        Find(null, "gpt-4o").ShouldBe(("gpt-4o", "openai", 2.5m, MatchKind.Exact));
        Find(null, "claude-haiku-4-5-20251001")!.Value.Provider.ShouldBe("anthropic");
        Find(null, "meta-llama/llama-4-scout-17b-16e-instruct")!.Value.Provider.ShouldBe("groq");
        Find("together", "gpt-4o")!.Value.Input.ShouldBe(9.9m);
    }

    [Fact]
    public void A_provider_the_catalogue_does_not_know_does_not_restrict_the_search_but_a_known_one_does()
    {
        Find("langchain", "gpt-4o")!.Value.Provider.ShouldBe("openai");
        Find("groq", "gpt-4o").ShouldBeNull();
    }

    [Theory]
    [InlineData("openai", "gpt-5-ultra")]
    [InlineData(null, "my-own-model")]
    [InlineData("openai", "")]
    [InlineData("openai", null)]
    [InlineData("openai", "   ")]
    public void An_unknown_or_missing_model_has_no_price_rather_than_a_zero_one(string? provider, string? model) =>
        Find(provider, model).ShouldBeNull();

    [Fact]
    public void An_admin_pattern_maps_unknown_names_onto_a_catalogue_model()
    {
        var catalogue = new PriceCatalogue(Catalogue.Prices, [new ModelPattern("ft:gpt-4o-mini*", null, "gpt-4o-mini", "openai")]);

        Find("openai", "FT:gpt-4o-mini-2024-07-18:acme::B1x9", catalogue).ShouldBe(("gpt-4o-mini", "openai", 0.15m, MatchKind.Pattern));
        Find(null, "ft:gpt-4o-mini:other", catalogue)!.Value.Kind.ShouldBe(MatchKind.Pattern);
        Find(null, "xft:gpt-4o-mini", catalogue).ShouldBeNull();
    }

    [Fact]
    public void A_pattern_is_tried_only_after_exact_and_normalised_matches()
    {
        var catalogue = new PriceCatalogue(Catalogue.Prices, [new ModelPattern("gpt-4o*", null, "gpt-4.1", null)]);

        Find("openai", "gpt-4o", catalogue)!.Value.Model.ShouldBe("gpt-4o");
        Find("openai", "gpt-4o-2024-08-06", catalogue)!.Value.Model.ShouldBe("gpt-4o");
        Find("openai", "gpt-4o-search-preview", catalogue).ShouldBe(("gpt-4.1", "openai", 2m, MatchKind.Pattern));
    }

    [Fact]
    public void A_pattern_with_a_provider_applies_to_that_provider_only_and_other_characters_are_literal()
    {
        var catalogue = new PriceCatalogue(Catalogue.Prices,
            [new ModelPattern("corp.llm-*", "azure.ai.openai", "gpt-4o", null)]);

        Find("azure.ai.openai", "corp.llm-large", catalogue)!.Value.Model.ShouldBe("gpt-4o");
        Find("anthropic", "corp.llm-large", catalogue).ShouldBeNull();
        Find("azure.ai.openai", "corpXllm-large", catalogue).ShouldBeNull();
    }

    [Fact]
    public void Concurrent_lookups_of_many_names_agree_with_single_threaded_ones()
    {
        var names = Enumerable.Range(0, PriceCatalogue.MaxCachedNames + 500)
            .Select(i => i % 3 == 0 ? "gpt-4o-mini-2024-07-18" : $"unknown-{i}")
            .ToArray();
        var catalogue = new PriceCatalogue(Catalogue.Prices, []);

        var inputs = new decimal?[names.Length];
        Parallel.For(0, names.Length, i => inputs[i] = catalogue.Find("openai", names[i], When)?.Price.InputPerMTok);

        for (var i = 0; i < names.Length; i++)
        {
            inputs[i].ShouldBe(i % 3 == 0 ? 0.15m : null);
        }
    }

    [Fact]
    public void The_empty_catalogue_prices_nothing() =>
        PriceCatalogue.Empty.Find("openai", "gpt-4o", When).ShouldBeNull();
}
