using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>The outcome of reading a price file: what can be imported and what could not.</summary>
public sealed record LiteLlmImportResult(IReadOnlyList<Price> Prices, IReadOnlyList<string> Errors, int Skipped);

/// <summary>
/// Reads LiteLLM's model_prices_and_context_window.json: an object keyed by model name whose
/// values give <c>litellm_provider</c>, <c>mode</c> and per-token USD costs.
/// </summary>
public static class LiteLlmPriceFile
{
    private const decimal TokensPerMillion = 1_000_000m;

    // The file's documentation entry, not a model.
    private const string SampleSpecKey = "sample_spec";

    // Text models only; image, audio, rerank, moderation... are priced per unit we do not store.
    private static readonly FrozenSet<string> TextModes = FrozenSet.Create(StringComparer.Ordinal, "chat", "completion", "embedding", "responses");

    /// <summary>
    /// Prices effective from <paramref name="effectiveFromUtc"/>, origin import. Skipped: entries
    /// of other modes, entries with no per-token cost, and a second entry for a (provider, model)
    /// (azure/gpt-4o beside openai's gpt-4o: the maker's own entry wins). Malformed entries are
    /// listed in Errors with their key.
    /// Throws <see cref="InvalidDataException"/> when the file is not a JSON object.
    /// </summary>
    public static LiteLlmImportResult Parse(Stream json, DateTime effectiveFromUtc)
    {
        var effectiveFrom = effectiveFromUtc.Kind switch
        {
            DateTimeKind.Local => effectiveFromUtc.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(effectiveFromUtc, DateTimeKind.Utc),
            _ => effectiveFromUtc,
        };

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The LiteLLM price file is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException(
                    $"The LiteLLM price file must be a JSON object keyed by model name; this one is a {document.RootElement.ValueKind}.");
            }

            var prices = new List<Price>();
            var errors = new List<string>();
            var skipped = 0;
            // (provider, model) → where its price is, and whether it came from the maker's own entry.
            var seen = new Dictionary<(string, string), (int Index, bool Direct)>();
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == SampleSpecKey)
                {
                    continue;
                }

                if (ReadEntry(entry, effectiveFrom, out var price, out var direct) is { } error)
                {
                    errors.Add($"{entry.Name}: {error}");
                    continue;
                }

                if (price is null)
                {
                    skipped++;
                    continue;
                }

                var key = (price.Provider, price.Model.ToLowerInvariant());
                if (!seen.TryGetValue(key, out var earlier))
                {
                    seen[key] = (prices.Count, direct);
                    prices.Add(price);
                    continue;
                }

                // openai's own gpt-4o entry wins over azure/gpt-4o, which also maps to openai.
                skipped++;
                if (direct && !earlier.Direct)
                {
                    prices[earlier.Index] = price;
                    seen[key] = (earlier.Index, true);
                }
            }

            return new LiteLlmImportResult(prices, errors, skipped);
        }
    }

    /// <summary>
    /// The file has no tier, so it follows from the output price per million tokens: under $2 is
    /// small (the mini, flash and 8B class), $10 or more is frontier, anything between is mid.
    /// </summary>
    public static string TierFor(decimal outputPerMTok) => outputPerMTok switch
    {
        < 2m => PriceTiers.Small,
        >= 10m => PriceTiers.Frontier,
        _ => PriceTiers.Mid,
    };

    // An error message, or null with the price (null price: skipped on purpose).
    private static string? ReadEntry(JsonProperty entry, DateTime effectiveFrom, out Price? price, out bool direct)
    {
        price = null;
        direct = false;
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"the entry is a {value.ValueKind}, not an object";
        }

        // LiteLLM treats an entry without a mode as a chat model.
        var mode = "chat";
        if (value.TryGetProperty("mode", out var modeElement))
        {
            if (modeElement.ValueKind != JsonValueKind.String)
            {
                return "mode is not a string";
            }

            mode = modeElement.GetString()!;
        }

        if (!TextModes.Contains(mode))
        {
            return null;
        }

        if (!value.TryGetProperty("litellm_provider", out var providerElement)
            || providerElement.ValueKind != JsonValueKind.String
            || ProviderNames.Normalise(providerElement.GetString()) is not { } provider)
        {
            return "litellm_provider is missing";
        }

        // Entries priced per character, second or image only are not token-priced models.
        if (!value.TryGetProperty("input_cost_per_token", out _) && !value.TryGetProperty("output_cost_per_token", out _))
        {
            return null;
        }

        var rawProvider = providerElement.GetString()!.Trim().ToLowerInvariant();
        direct = !ProviderNames.IsAlias(rawProvider);
        var model = StripProviderPrefix(entry.Name.Trim(), rawProvider, provider);
        if (model.Length == 0)
        {
            return "the key names no model";
        }

        string? error = null;
        var input = PerMTok(value, "input_cost_per_token", required: true, ref error);
        // Embeddings produce no output tokens; LiteLLM often leaves their output cost out.
        var output = PerMTok(value, "output_cost_per_token", required: mode != "embedding", ref error) ?? 0m;
        var cacheRead = PerMTok(value, "cache_read_input_token_cost", required: false, ref error);
        var cacheWrite = PerMTok(value, "cache_creation_input_token_cost", required: false, ref error);
        var reasoning = PerMTok(value, "output_cost_per_reasoning_token", required: false, ref error);
        if (error is not null)
        {
            return error;
        }

        price = new Price
        {
            Provider = provider,
            Model = model,
            InputPerMTok = input!.Value,
            OutputPerMTok = output,
            CacheReadPerMTok = cacheRead,
            CacheWritePerMTok = cacheWrite,
            ReasoningPerMTok = reasoning,
            Tier = TierFor(output),
            EffectiveFrom = effectiveFrom,
            Source = "LiteLLM model_prices_and_context_window.json: " + entry.Name,
            Origin = PriceOrigins.Import,
        };
        if (PriceRules.Problem(price) is { } problem)
        {
            price = null;
            return problem;
        }

        return null;
    }

    // "azure/gpt-4o" → "gpt-4o"; "groq/meta-llama/llama-4-scout" → "meta-llama/llama-4-scout".
    private static string StripProviderPrefix(string key, string rawProvider, string provider)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return key;
        }

        var prefix = key[..slash].ToLowerInvariant();
        return prefix == rawProvider || ProviderNames.Normalise(prefix) == provider ? key[(slash + 1)..] : key;
    }

    // The per-token cost in the file times a million, rounded to the column's six decimals.
    private static decimal? PerMTok(JsonElement entry, string field, bool required, ref string? error)
    {
        if (!entry.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                error ??= $"{field} is missing";
            }

            return null;
        }

        decimal perToken;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var number))
        {
            perToken = number;
        }
        else if (element.ValueKind == JsonValueKind.String
            && decimal.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            perToken = parsed;
        }
        else
        {
            error ??= $"{field} is not a number";
            return null;
        }

        if (perToken < 0)
        {
            error ??= $"{field} is negative";
            return null;
        }

        if (perToken > PriceRules.MaxPerMTok / TokensPerMillion)
        {
            error ??= $"{field} is implausibly high";
            return null;
        }

        return Math.Round(perToken * TokensPerMillion, 6, MidpointRounding.AwayFromZero);
    }
}
