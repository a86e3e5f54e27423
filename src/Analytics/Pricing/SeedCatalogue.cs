using System.Globalization;
using System.Text.Json;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>The price catalogue shipped in Pricing/Seed/prices.json (an embedded resource).</summary>
public static class SeedCatalogue
{
    private const string ResourceName = "Pricing/Seed/prices.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The seed prices, validated; throws <see cref="InvalidDataException"/> naming the broken entry.</summary>
    public static IReadOnlyList<Price> Load()
    {
        using var stream = typeof(SeedCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(SeedCatalogue).Assembly.GetName().Name}.");
        return Parse(stream);
    }

    internal static IReadOnlyList<Price> Parse(Stream json)
    {
        SeedFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SeedFile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The seed price file is not valid: {e.Message}", e);
        }

        if (file?.Prices is not { Count: > 0 } entries)
        {
            throw new InvalidDataException("The seed price file has no \"prices\" array, or it is empty.");
        }

        var checkedOn = ParseDate(file.Checked, "checked", "The seed price file");
        var prices = new List<Price>(entries.Count);
        var seen = new HashSet<(string, string, DateTime)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var price = ToPrice(entries[i], i, checkedOn);
            if (!seen.Add((ProviderNames.Normalise(price.Provider)!, price.Model.ToLowerInvariant(), price.EffectiveFrom)))
            {
                throw new InvalidDataException($"Seed price {Describe(entries[i], i)} appears twice with the same effectiveFrom.");
            }

            prices.Add(price);
        }

        return prices;
    }

    private static Price ToPrice(SeedEntry entry, int index, DateOnly? fileCheckedOn)
    {
        var where = Describe(entry, index);
        if (entry.InputPerMTok is null || entry.OutputPerMTok is null)
        {
            throw new InvalidDataException($"Seed price {where} needs inputPerMTok and outputPerMTok.");
        }

        var effectiveFrom = ParseDate(entry.EffectiveFrom, "effectiveFrom", $"Seed price {where}")
            ?? throw new InvalidDataException($"Seed price {where} needs an effectiveFrom date.");
        var price = new Price
        {
            Provider = entry.Provider?.Trim() ?? "",
            Model = entry.Model?.Trim() ?? "",
            InputPerMTok = entry.InputPerMTok.Value,
            OutputPerMTok = entry.OutputPerMTok.Value,
            CacheReadPerMTok = entry.CacheReadPerMTok,
            CacheWritePerMTok = entry.CacheWritePerMTok,
            ReasoningPerMTok = entry.ReasoningPerMTok,
            Tier = entry.Tier ?? "",
            EffectiveFrom = effectiveFrom.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            CheckedOn = ParseDate(entry.SourceDate, "sourceDate", $"Seed price {where}") ?? fileCheckedOn,
            Source = string.IsNullOrWhiteSpace(entry.Source) ? null : entry.Source,
            Origin = PriceOrigins.Seed,
        };
        return PriceRules.Problem(price) is { } problem
            ? throw new InvalidDataException($"Seed price {where} {problem}.")
            : price;
    }

    private static DateOnly? ParseDate(string? value, string field, string owner)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new InvalidDataException($"{owner}: {field} \"{value}\" is not a yyyy-MM-dd date.");
    }

    private static string Describe(SeedEntry entry, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"#{index + 1} ({entry.Provider}/{entry.Model})");

    private sealed record SeedFile(string? Checked, string? Note, List<SeedEntry>? Prices);

    private sealed record SeedEntry(
        string? Provider,
        string? Model,
        decimal? InputPerMTok,
        decimal? OutputPerMTok,
        decimal? CacheReadPerMTok,
        decimal? CacheWritePerMTok,
        decimal? ReasoningPerMTok,
        string? Tier,
        string? EffectiveFrom,
        string? Source,
        string? SourceDate);
}
