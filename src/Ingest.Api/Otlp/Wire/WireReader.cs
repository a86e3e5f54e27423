using System.Buffers.Binary;

namespace Tollgate.Ingest.Api.Otlp.Wire;

/// <summary>Raised for bytes that are not valid protobuf; carries a plain description.</summary>
public sealed class WireFormatException(string message) : Exception(message);

/// <summary>
/// A forward-only reader of the protobuf wire format over a window of a byte buffer (the OTLP
/// request body). Positions are absolute in the buffer, so nested messages and values are kept
/// as (start, length) of the same buffer and reading allocates nothing.
/// </summary>
public ref struct WireReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _end;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer, int start, int length)
    {
        _buffer = buffer;
        _position = start;
        _end = start + length;
    }

    public readonly bool End => _position >= _end;

    public readonly int Position => _position;

    /// <summary>Reads the next field's number and wire type; false at the end of the buffer.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (End)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0)
        {
            throw new WireFormatException("a field has number 0, which protobuf does not allow");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw Truncated();
            }

            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new WireFormatException("a varint is longer than ten bytes");
    }

    public ulong ReadFixed64()
    {
        if (_position + 8 > _end)
        {
            throw Truncated();
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position, 8));
        _position += 8;
        return value;
    }

    /// <summary>The position and length of a length-delimited value within the buffer.</summary>
    public (int Start, int Length) ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw Truncated();
        }

        var start = _position;
        _position += (int)length;
        return (start, (int)length);
    }

    /// <summary>
    /// Reads on to the next field of a number, skipping the others, and checks it is
    /// length-delimited (a message, string or bytes): its position and length; false at the end.
    /// </summary>
    public bool TryReadNext(int field, string name, out (int Start, int Length) value)
    {
        while (TryReadTag(out var found, out var wireType))
        {
            if (found != field)
            {
                Skip(wireType);
                continue;
            }

            Expect(wireType, LengthDelimited, name);
            value = ReadLengthDelimited();
            return true;
        }

        value = default;
        return false;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                ReadFixed64();
                break;
            case LengthDelimited:
                ReadLengthDelimited();
                break;
            case Fixed32:
                if (_position + 4 > _end)
                {
                    throw Truncated();
                }

                _position += 4;
                break;
            default:
                throw new WireFormatException($"wire type {wireType} is not supported (groups are not used by OTLP)");
        }
    }

    /// <summary>Checks a field has the wire type its schema gives it, as a conforming parser must.</summary>
    public static void Expect(int wireType, int expected, string field)
    {
        if (wireType != expected)
        {
            throw new WireFormatException($"field {field} has wire type {wireType}, expected {expected}");
        }
    }

    private static WireFormatException Truncated() => new("the message ends in the middle of a field (truncated?)");
}
