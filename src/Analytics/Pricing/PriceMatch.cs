using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Pricing;

/// <summary>How a span's model name was matched to a catalogue model.</summary>
public enum MatchKind
{
    /// <summary>The name is a catalogue model of the provider (ignoring case).</summary>
    Exact,

    /// <summary>After removing a provider prefix, a date or a version suffix.</summary>
    Normalised,

    /// <summary>Through an admin-defined <see cref="ModelPattern"/>.</summary>
    Pattern,
}

/// <summary>The price that applies to a span, and the catalogue model it was found under.</summary>
public readonly record struct PriceMatch(Price Price, string CanonicalModel, MatchKind Kind);
