namespace Tollgate.Ingest.Api.Otlp.Wire;

// The names mirror the members of OTLP's AnyValue (string_value, int_value, double_value...).
#pragma warning disable CA1720

public enum WireValueKind : byte
{
    None,
    String,
    Bool,
    Int,
    Double,
    Array,
    KeyValueList,
    Bytes,
}

/// <summary>
/// An OTLP AnyValue read off the wire: scalars inline, strings, bytes and nested lists as a
/// (start, length) slice of the request buffer.
/// </summary>
public readonly record struct WireValue(WireValueKind Kind, long Int, double Double, int Start, int Length)
{
    // AnyValue field numbers (opentelemetry.proto.common.v1).
    private const int StringField = 1, BoolField = 2, IntField = 3, DoubleField = 4, ArrayField = 5, KvListField = 6, BytesField = 7;

    public static WireValue Read(ReadOnlySpan<byte> buffer, int start, int length)
    {
        var reader = new WireReader(buffer, start, length);
        var value = default(WireValue);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            // A oneof: when several members are present, the last one wins.
            switch (field)
            {
                case StringField or ArrayField or KvListField or BytesField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "AnyValue." + field);
                    var (s, l) = reader.ReadLengthDelimited();
                    var kind = field switch
                    {
                        StringField => WireValueKind.String,
                        ArrayField => WireValueKind.Array,
                        KvListField => WireValueKind.KeyValueList,
                        _ => WireValueKind.Bytes,
                    };
                    value = new WireValue(kind, 0, 0, s, l);
                    break;
                case BoolField:
                    WireReader.Expect(wireType, WireReader.Varint, "AnyValue.bool_value");
                    value = new WireValue(WireValueKind.Bool, reader.ReadVarint() != 0 ? 1 : 0, 0, 0, 0);
                    break;
                case IntField:
                    WireReader.Expect(wireType, WireReader.Varint, "AnyValue.int_value");
                    value = new WireValue(WireValueKind.Int, (long)reader.ReadVarint(), 0, 0, 0);
                    break;
                case DoubleField:
                    WireReader.Expect(wireType, WireReader.Fixed64, "AnyValue.double_value");
                    value = new WireValue(WireValueKind.Double, 0, BitConverter.UInt64BitsToDouble(reader.ReadFixed64()), 0, 0);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return value;
    }

    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> buffer) => buffer.Slice(Start, Length);

    /// <summary>Reads a KeyValue message: the key's slice and the value.</summary>
    public static (int KeyStart, int KeyLength, WireValue Value) ReadKeyValue(ReadOnlySpan<byte> buffer, int start, int length)
    {
        var reader = new WireReader(buffer, start, length);
        (int, int) key = (start, 0);
        var value = default(WireValue);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "KeyValue.key");
                    key = reader.ReadLengthDelimited();
                    break;
                case 2:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "KeyValue.value");
                    var (s, l) = reader.ReadLengthDelimited();
                    value = Read(buffer, s, l);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return (key.Item1, key.Item2, value);
    }
}
#pragma warning restore CA1720
