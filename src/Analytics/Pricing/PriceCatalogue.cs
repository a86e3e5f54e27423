using System.Collections.Concurrent;
using System.Collections.Frozen;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>
/// An immutable snapshot of the prices and model patterns that prices every span. Safe for
/// concurrent readers. Name resolution runs once per distinct (provider, model) pair and is
/// cached, so the per-span cost is one dictionary lookup and a scan of that model's few prices.
/// Build a new catalogue when prices change.
/// </summary>
public sealed class PriceCatalogue
{
    // Real traffic has tens to hundreds of distinct (provider, model) pairs; the bound keeps
    // clients sending random model names from growing the cache without limit.
    internal const int MaxCachedNames = 10_000;

    // No provider or model name is this long; longer ones are not looked up or cached.
    internal const int MaxNameLength = 256;

    // Gateways whose prefix in a model name says nothing about who made the model.
    private static readonly FrozenSet<string> GatewayPrefixes = FrozenSet.Create(StringComparer.Ordinal, "openrouter", "litellm_proxy");

    private readonly Price[] _prices;
    private readonly FrozenDictionary<string, FrozenDictionary<string, PriceHistory>> _byProvider;
    private readonly string[] _searchOrder;
    private readonly CompiledModelPattern[] _patterns;
    private readonly ConcurrentDictionary<NameKey, Candidate[]> _resolved = new();
    private int _resolvedCount;

    public PriceCatalogue(IEnumerable<Price> prices, IEnumerable<ModelPattern> patterns)
    {
        _prices = prices.Select(Copy).ToArray();
        foreach (var price in _prices)
        {
            if (string.IsNullOrWhiteSpace(price.Provider) || string.IsNullOrWhiteSpace(price.Model))
            {
                throw new ArgumentException($"Price {price.Id} has no provider or no model.", nameof(prices));
            }
        }

        _byProvider = _prices
            .GroupBy(p => ProviderNames.Normalise(p.Provider)!, StringComparer.Ordinal)
            .ToFrozenDictionary(
                byProvider => byProvider.Key,
                byProvider => byProvider
                    .GroupBy(p => p.Model.Trim().ToLowerInvariant(), StringComparer.Ordinal)
                    .ToFrozenDictionary(byModel => byModel.Key, byModel => new PriceHistory(byProvider.Key, byModel), StringComparer.Ordinal),
                StringComparer.Ordinal);
        _searchOrder = ProviderNames.FirstParty.Where(_byProvider.ContainsKey)
            .Concat(_byProvider.Keys.Except(ProviderNames.FirstParty).Order(StringComparer.Ordinal))
            .ToArray();
        _patterns = patterns.Select(p => new CompiledModelPattern(p)).ToArray();
        Patterns = _patterns.Select(p => p.Source).ToArray();
    }

    public static PriceCatalogue Empty { get; } = new([], []);

    /// <summary>Every price in the snapshot. Read-only by convention: do not change these objects.</summary>
    public IReadOnlyList<Price> Prices => _prices;

    public IReadOnlyList<ModelPattern> Patterns { get; }

    /// <summary>
    /// The price valid at <paramref name="startUtc"/> for a span's provider and model, or null when
    /// the model is unknown (never a zero price). Matching order: exact name, provider-qualified
    /// and versioned names, admin patterns. A provider the catalogue does not know (a gateway or
    /// framework name) does not restrict the search; with none, first-party providers win.
    /// </summary>
    public PriceMatch? Find(string? provider, string? model, DateTime startUtc)
    {
        if (string.IsNullOrWhiteSpace(model) || model.Length > MaxNameLength || provider?.Length > MaxNameLength)
        {
            return null;
        }

        var key = new NameKey(provider, model);
        if (!_resolved.TryGetValue(key, out var candidates))
        {
            candidates = Resolve(provider, model);
            Remember(key, candidates);
        }

        foreach (var candidate in candidates)
        {
            if (candidate.History.At(startUtc) is { } price)
            {
                return new PriceMatch(price, candidate.History.Model, candidate.Kind);
            }
        }

        return null;
    }

    private void Remember(NameKey key, Candidate[] candidates)
    {
        if (!_resolved.TryAdd(key, candidates))
        {
            return;
        }

        // Starting over is crude but bounded, and only happens under a flood of distinct names.
        if (Interlocked.Increment(ref _resolvedCount) > MaxCachedNames)
        {
            _resolved.Clear();
            Interlocked.Exchange(ref _resolvedCount, 0);
        }
    }

    // Every catalogue model the name may denote, best first. Find takes the first one that has a
    // price at the span's time, so an older snapshot name can fall back to its base model.
    private Candidate[] Resolve(string? provider, string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var givenProvider = ProviderNames.Normalise(provider);
        var knownProvider = givenProvider is not null && _byProvider.ContainsKey(givenProvider) ? givenProvider : null;
        var found = new List<Candidate>(2);

        AddMatches(found, knownProvider, name, MatchKind.Exact);

        var (prefixProvider, bareName) = StripProviderPrefixes(name);
        var searchProvider = knownProvider ?? prefixProvider;
        foreach (var form in ModelNames.ShorterForms(bareName))
        {
            if (form != name || searchProvider != knownProvider)
            {
                AddMatches(found, searchProvider, form, MatchKind.Normalised);
            }
        }

        var patternProvider = givenProvider ?? prefixProvider;
        foreach (var pattern in _patterns)
        {
            if ((pattern.Provider is null || pattern.Provider == patternProvider)
                && (pattern.IsMatch(name) || pattern.IsMatch(bareName)))
            {
                AddMatches(found, pattern.TargetProvider ?? searchProvider, pattern.TargetModel, MatchKind.Pattern);
            }
        }

        return [.. found];
    }

    // With a provider, only its models; without, every provider's, first-party ones first.
    private void AddMatches(List<Candidate> found, string? provider, string lowerModel, MatchKind kind)
    {
        if (provider is not null)
        {
            if (_byProvider.TryGetValue(provider, out var models) && models.TryGetValue(lowerModel, out var history))
            {
                AddOnce(found, history, kind);
            }

            return;
        }

        foreach (var name in _searchOrder)
        {
            if (_byProvider[name].TryGetValue(lowerModel, out var history))
            {
                AddOnce(found, history, kind);
            }
        }
    }

    private static void AddOnce(List<Candidate> found, PriceHistory history, MatchKind kind)
    {
        if (!found.Exists(c => ReferenceEquals(c.History, history)))
        {
            found.Add(new Candidate(history, kind));
        }
    }

    // "azure/gpt-4o" → (openai, "gpt-4o"); "openrouter/anthropic/claude-x" → (anthropic, "claude-x");
    // "meta-llama/Llama-4-..." keeps its prefix: meta-llama is part of the model's name.
    private (string? Provider, string Name) StripProviderPrefixes(string name)
    {
        string? provider = null;
        while (name.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash)
        {
            var segment = name[..slash];
            if (GatewayPrefixes.Contains(segment))
            {
                name = name[(slash + 1)..];
                continue;
            }

            var normalised = ProviderNames.Normalise(segment)!;
            if (!_byProvider.ContainsKey(normalised) && !ProviderNames.IsAlias(segment) && !ProviderNames.FirstParty.Contains(normalised))
            {
                break;
            }

            provider ??= normalised;
            name = name[(slash + 1)..];
        }

        return (provider, name);
    }

    private static Price Copy(Price p) => new()
    {
        Id = p.Id,
        Provider = p.Provider,
        Model = p.Model,
        InputPerMTok = p.InputPerMTok,
        OutputPerMTok = p.OutputPerMTok,
        CacheReadPerMTok = p.CacheReadPerMTok,
        CacheWritePerMTok = p.CacheWritePerMTok,
        ReasoningPerMTok = p.ReasoningPerMTok,
        Tier = p.Tier,
        EffectiveFrom = p.EffectiveFrom,
        CheckedOn = p.CheckedOn,
        Source = p.Source,
        Origin = p.Origin,
        CreatedAt = p.CreatedAt,
    };

    private readonly record struct NameKey(string? Provider, string Model);

    private sealed record Candidate(PriceHistory History, MatchKind Kind);
}
