using System.Text;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class LiteLlmPriceFileTests
{
    private static readonly DateTime ImportDate = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    // A small file in LiteLLM's format: good entries, skipped ones and malformed ones.
    private const string File = """
        {
          "sample_spec": { "max_tokens": "set to max_output_tokens", "input_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "one of chat, embedding, completion" },
          "azure/gpt-4o": { "litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05 },
          "gpt-4o": { "litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06 },
          "anthropic/claude-haiku-4-5": { "litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06, "cache_read_input_token_cost": 1e-07, "cache_creation_input_token_cost": 1.25e-06 },
          "vertex_ai/gemini-2.5-flash": { "litellm_provider": "vertex_ai-language-models", "mode": "chat", "input_cost_per_token": 3e-07, "output_cost_per_token": 2.5e-06 },
          "bedrock_converse/meta.llama3-3-70b-instruct-v1:0": { "litellm_provider": "bedrock_converse", "mode": "chat", "input_cost_per_token": 7.2e-07, "output_cost_per_token": 7.2e-07 },
          "groq/meta-llama/llama-4-scout-17b-16e-instruct": { "litellm_provider": "groq", "mode": "chat", "input_cost_per_token": 1.1e-07, "output_cost_per_token": 3.4e-07 },
          "gpt-3.5-turbo-instruct": { "litellm_provider": "text-completion-openai", "mode": "completion", "input_cost_per_token": 1.5e-06, "output_cost_per_token": 2e-06 },
          "text-embedding-3-small": { "litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-08 },
          "o3-pro": { "litellm_provider": "openai", "mode": "responses", "input_cost_per_token": 2e-05, "output_cost_per_token": 8e-05, "output_cost_per_reasoning_token": 9e-05 },
          "mistral/mistral-small-latest": { "litellm_provider": "mistral", "mode": "chat", "input_cost_per_token": "1e-07", "output_cost_per_token": "3e-07" },
          "dall-e-3": { "litellm_provider": "openai", "mode": "image_generation", "input_cost_per_pixel": 4.0054321e-08, "output_cost_per_pixel": 0.0 },
          "tts-1": { "litellm_provider": "openai", "mode": "audio_speech", "input_cost_per_character": 1.5e-05 },
          "chirp": { "litellm_provider": "vertex_ai-chat-models", "mode": "chat", "input_cost_per_character": 2.5e-07, "output_cost_per_character": 5e-07 },
          "bad-negative": { "litellm_provider": "openai", "mode": "chat", "input_cost_per_token": -1e-06, "output_cost_per_token": 1e-06 },
          "bad-text": { "litellm_provider": "openai", "mode": "chat", "input_cost_per_token": "a dollar", "output_cost_per_token": 1e-06 },
          "bad-no-provider": { "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06 },
          "bad-no-output": { "litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06 },
          "bad-not-an-object": 42
        }
        """;

    private static LiteLlmImportResult Parse(string json) =>
        LiteLlmPriceFile.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), ImportDate);

    private static Price Single(LiteLlmImportResult result, string provider, string model) =>
        result.Prices.Single(p => p.Provider == provider && p.Model == model);

    [Fact]
    public void Text_model_entries_become_import_prices_per_million_tokens()
    {
        var result = Parse(File);

        var gpt4o = Single(result, "openai", "gpt-4o");
        (gpt4o.InputPerMTok, gpt4o.OutputPerMTok, gpt4o.CacheReadPerMTok, gpt4o.CacheWritePerMTok).ShouldBe((2.5m, 10m, 1.25m, (decimal?)null));
        (gpt4o.Origin, gpt4o.EffectiveFrom, gpt4o.Tier).ShouldBe((PriceOrigins.Import, ImportDate, PriceTiers.Frontier));
        var haiku = Single(result, "anthropic", "claude-haiku-4-5");
        (haiku.CacheReadPerMTok, haiku.CacheWritePerMTok, haiku.Tier).ShouldBe((0.1m, 1.25m, PriceTiers.Mid));
        Single(result, "openai", "o3-pro").ReasoningPerMTok.ShouldBe(90m);
        Single(result, "mistral", "mistral-small-latest").OutputPerMTok.ShouldBe(0.3m);
    }

    [Fact]
    public void Provider_prefixes_are_stripped_and_providers_mapped_onto_the_catalogue()
    {
        var result = Parse(File);

        result.Prices.Select(p => $"{p.Provider} {p.Model}").Order(StringComparer.Ordinal).ShouldBe(
        [
            "anthropic claude-haiku-4-5",
            "aws.bedrock meta.llama3-3-70b-instruct-v1:0",
            "google gemini-2.5-flash",
            "groq meta-llama/llama-4-scout-17b-16e-instruct",
            "mistral mistral-small-latest",
            "openai gpt-3.5-turbo-instruct",
            "openai gpt-4o",
            "openai o3-pro",
            "openai text-embedding-3-small",
        ]);
    }

    [Fact]
    public void The_makers_own_entry_wins_over_a_host_entry_for_the_same_model_whatever_the_order()
    {
        var result = Parse(File);

        Single(result, "openai", "gpt-4o").InputPerMTok.ShouldBe(2.5m);
    }

    [Fact]
    public void Images_audio_and_models_not_priced_per_token_are_skipped_and_counted()
    {
        var result = Parse(File);

        // dall-e-3, tts-1, chirp, and azure/gpt-4o (a second gpt-4o for openai).
        result.Skipped.ShouldBe(4);
        result.Prices.ShouldNotContain(p => p.Model == "dall-e-3" || p.Model == "sample_spec");
    }

    [Fact]
    public void Embeddings_may_leave_out_their_output_price()
    {
        var embedding = Single(Parse(File), "openai", "text-embedding-3-small");

        (embedding.InputPerMTok, embedding.OutputPerMTok, embedding.Tier).ShouldBe((0.02m, 0m, PriceTiers.Small));
    }

    [Fact]
    public void Malformed_entries_are_reported_with_their_key_and_reason_and_the_rest_is_imported()
    {
        var result = Parse(File);

        result.Errors.Order(StringComparer.Ordinal).ShouldBe(
        [
            "bad-negative: input_cost_per_token is negative",
            "bad-no-output: output_cost_per_token is missing",
            "bad-no-provider: litellm_provider is missing",
            "bad-not-an-object: the entry is a Number, not an object",
            "bad-text: input_cost_per_token is not a number",
        ]);
        result.Prices.Count.ShouldBe(9);
    }

    [Theory]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{ \"gpt-4o\": ", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    public void A_file_that_is_not_a_json_object_is_refused_with_a_clear_message(string json, string expected) =>
        Should.Throw<InvalidDataException>(() => Parse(json)).Message.ShouldContain(expected);

    [Theory]
    [InlineData(0.6, PriceTiers.Small)]
    [InlineData(1.999999, PriceTiers.Small)]
    [InlineData(2, PriceTiers.Mid)]
    [InlineData(9.99, PriceTiers.Mid)]
    [InlineData(10, PriceTiers.Frontier)]
    [InlineData(75, PriceTiers.Frontier)]
    public void The_tier_follows_from_the_output_price(double outputPerMTok, string tier) =>
        LiteLlmPriceFile.TierFor((decimal)outputPerMTok).ShouldBe(tier);
}
