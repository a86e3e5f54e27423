using System.Text;
using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// For one span, the value of each meaning in the contract's attribute table, taken from the
/// best-ranked alias offered: a span's own attributes before its resource's, aliases in the
/// table's order, a project's attribution rules after every alias of the contract.
/// </summary>
/// <remarks>One instance serves every span of a request: the resource's slots are kept, each span's start from them.</remarks>
internal sealed class AliasSlots(CustomAttribution? custom)
{
    /// <summary>Added to a resource attribute's rank, so that any span attribute outranks it.</summary>
    private const int ResourceRankOffset = 100;

    /// <summary>No known key is longer.</summary>
    private const int MaxKeyLength = 64;

    private readonly Slot[] _resource = new Slot[AttributeKeys.FieldCount];
    private readonly Slot[] _span = new Slot[AttributeKeys.FieldCount];

    /// <summary>Forgets the previous resource's values.</summary>
    public void BeginResource() => Array.Clear(_resource);

    /// <summary>Starts a span from its resource's values.</summary>
    public void BeginSpan() => Array.Copy(_resource, _span, _span.Length);

    public void OfferResource(ReadOnlySpan<byte> key, WireValue value) => Offer(_resource, key, value, ResourceRankOffset);

    /// <summary>Takes a span attribute into its slot if it outranks what is there; false for a key the contract does not know.</summary>
    public bool Offer(ReadOnlySpan<byte> key, WireValue value) => Offer(_span, key, value, rankOffset: 0);

    /// <summary>The span's value for a meaning; false when neither it nor its resource has one.</summary>
    public bool TryGet(Field field, out WireValue value)
    {
        var slot = _span[(int)field];
        value = slot.Value;
        return slot.Rank != 0;
    }

    private bool Offer(Slot[] slots, ReadOnlySpan<byte> key, WireValue value, int rankOffset)
    {
        if (key.Length > MaxKeyLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxKeyLength];
        var written = Encoding.UTF8.GetChars(key, chars);
        if (!AttributeKeys.KnownByChars.TryGetValue(chars[..written], out var known)
            && (custom is null || !custom.ByChars.TryGetValue(chars[..written], out known)))
        {
            return false;
        }

        ref var slot = ref slots[(int)known.Field];
        // Rank 0 marks an empty slot.
        var rank = known.Rank + rankOffset + 1;
        if (slot.Rank == 0 || rank < slot.Rank)
        {
            slot = new Slot(value, rank);
        }

        return true;
    }

    private readonly record struct Slot(WireValue Value, int Rank);
}
