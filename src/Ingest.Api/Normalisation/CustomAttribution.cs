using System.Collections.Frozen;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// A project's attribution rules compiled for the normaliser: extra attribute keys read as team,
/// feature or customer. They rank after every alias of the contract, so a span carrying both
/// <c>tollgate.team</c> and a rule's key is attributed by <c>tollgate.team</c>.
/// </summary>
public sealed class CustomAttribution
{
    /// <summary>Ranks below every built-in alias (each meaning has fewer than this many).</summary>
    internal const int RankBase = 50;

    public static readonly CustomAttribution None = new(new Dictionary<string, string>());

    private readonly FrozenDictionary<string, (Field Field, int Rank)> _keys;

    /// <param name="rules">Attribute key → target (<c>team</c>, <c>feature</c> or <c>customer</c>); others are ignored.</param>
    public CustomAttribution(IReadOnlyDictionary<string, string> rules)
    {
        var map = new Dictionary<string, (Field, int)>(StringComparer.Ordinal);
        var rank = RankBase;
        foreach (var (key, target) in rules)
        {
            Field? field = target switch
            {
                "team" => Field.Team,
                "feature" => Field.Feature,
                "customer" => Field.Customer,
                _ => null,
            };
            // A rule never re-reads a key the contract already gives a meaning.
            if (field is { } known && !AttributeKeys.Known.ContainsKey(key))
            {
                map[key] = (known, rank++);
            }
        }

        _keys = map.ToFrozenDictionary(StringComparer.Ordinal);
        ByChars = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool IsEmpty => _keys.Count == 0;

    internal FrozenDictionary<string, (Field Field, int Rank)>.AlternateLookup<ReadOnlySpan<char>> ByChars { get; }
}
