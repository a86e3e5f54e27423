using System.Globalization;
using System.Text;
using Tollgate.Analytics.Pricing;
using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// The values in a span's slots, converted to what a span record holds: labels, token counts,
/// amounts in US dollars and flags. A value that does not convert counts as absent, with a
/// warning saying why.
/// </summary>
internal readonly ref struct FieldValues
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly AliasSlots _slots;
    private readonly int _maxLabelLength;
    private readonly Rejections _rejections;

    public FieldValues(ReadOnlySpan<byte> buffer, AliasSlots slots, int maxLabelLength, Rejections rejections)
    {
        _buffer = buffer;
        _slots = slots;
        _maxLabelLength = maxLabelLength;
        _rejections = rejections;
    }

    /// <summary>Text trimmed of surrounding white space and cut to a label's length, or a number or boolean in invariant form; null when empty.</summary>
    public string? Label(Field field)
    {
        if (!_slots.TryGet(field, out var value))
        {
            return null;
        }

        var text = value.Kind switch
        {
            WireValueKind.String => Trimmed(value.Bytes(_buffer)) is { Length: > 0 } bytes && bytes.Length <= _maxLabelLength && !bytes.Contains((byte)0)
                ? StringPool.Get(bytes)
                : StoredText.Truncate(NullIfEmpty(StoredText.Storable(Encoding.UTF8.GetString(Trimmed(value.Bytes(_buffer))), _rejections)), _maxLabelLength, _rejections),
            WireValueKind.Int => value.Int.ToString(CultureInfo.InvariantCulture),
            WireValueKind.Double => value.Double.ToString(CultureInfo.InvariantCulture),
            WireValueKind.Bool => value.Int != 0 ? "true" : "false",
            _ => null,
        };
        return NullIfEmpty(text);
    }

    /// <summary>A whole number of tokens, from an integer, a double or a string.</summary>
    public long? Count(Field field)
    {
        if (!_slots.TryGet(field, out var value))
        {
            return null;
        }

        long? count = value.Kind switch
        {
            WireValueKind.Int => value.Int,
            WireValueKind.Double when double.IsFinite(value.Double) && Math.Abs(value.Double) < 9e15 => (long)Math.Round(value.Double),
            WireValueKind.String when long.TryParse(value.Bytes(_buffer), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (count is null or < 0)
        {
            _rejections.Warn("token counts ignored for not being non-negative integers");
            return null;
        }

        if (count > CostLimits.MaxTokens)
        {
            _rejections.Warn("token counts ignored for being over ten billion (no model call uses that many)");
            return null;
        }

        return count;
    }

    /// <summary>
    /// A cost the span carries counts only in US dollars. An amount in another currency
    /// (gen_ai.usage.cost.currency) is not converted, since no exchange rate is known here: it is
    /// ignored, with a warning, and the call is priced from the catalogue like one without a cost.
    /// </summary>
    public decimal? ProvidedCost()
    {
        if (Money(Field.ProvidedCost) is not { } amount)
        {
            return null;
        }

        var currency = Label(Field.CostCurrency);
        if (currency is null || currency.Equals("USD", StringComparison.OrdinalIgnoreCase))
        {
            return amount;
        }

        _rejections.Warn("provided costs ignored for being in a currency other than USD (gen_ai.usage.cost.currency); those calls are priced from the catalogue");
        return null;
    }

    /// <summary>True from a true boolean, a non-zero integer or the string "true" in any case.</summary>
    public bool Flag(Field field) =>
        _slots.TryGet(field, out var value) && value.Kind switch
        {
            WireValueKind.Bool or WireValueKind.Int => value.Int != 0,
            WireValueKind.String => Ascii.EqualsIgnoreCase(value.Bytes(_buffer), "true"u8),
            _ => false,
        };

    private decimal? Money(Field field)
    {
        if (!_slots.TryGet(field, out var value))
        {
            return null;
        }

        decimal? amount = value.Kind switch
        {
            WireValueKind.Double when double.IsFinite(value.Double) && Math.Abs(value.Double) < (double)CostLimits.MaxUsd => (decimal)value.Double,
            // A range test, not Math.Abs: the absolute value of long.MinValue overflows.
            WireValueKind.Int when value.Int > -CostLimits.MaxUsd && value.Int < CostLimits.MaxUsd => value.Int,
            WireValueKind.String when decimal.TryParse(value.Bytes(_buffer), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && Math.Abs(parsed) < CostLimits.MaxUsd => parsed,
            _ => null,
        };
        if (amount is null or < 0)
        {
            _rejections.Warn("provided costs ignored for not being non-negative amounts under a billion");
            return null;
        }

        return Math.Round(amount.Value, 10);
    }

    private static ReadOnlySpan<byte> Trimmed(ReadOnlySpan<byte> utf8) => utf8.Trim(" \t\r\n"u8);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
