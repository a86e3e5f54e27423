using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Tollgate.Analytics.Spans;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, encoded into one growing buffer that the caller sends
/// through a raw COPY stream whenever it is full enough. Each row is a 16-bit field count, then per
/// field a 32-bit byte length (-1 for NULL) and the value in the type's binary wire form, all
/// big-endian. Encoding here rather than through a parameter per value cuts the receiver's CPU per
/// span: the span table has 39 columns (bench/ingest-profile.sh --cpu).
/// </summary>
internal sealed class BinaryCopyWriter : IDisposable
{
    /// <summary>"PGCOPY\n\377\r\n\0", then 32-bit flags and header-extension length, both zero.</summary>
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>timestamptz counts microseconds from 2000-01-01 00:00 UTC.</summary>
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Strings from telemetry are valid UTF-16 after normalisation; a lone surrogate becomes U+FFFD rather than failing a batch.</summary>
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private byte[] _buffer;

    public BinaryCopyWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
        Length = 0;
    }

    /// <summary>Bytes written since the last <see cref="Clear"/>.</summary>
    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

    /// <summary>Forgets what was written (once sent), keeping the buffer.</summary>
    public void Clear() => Length = 0;

    /// <summary>The signature and empty header that open a binary COPY stream.</summary>
    public void WriteHeader() => Header.CopyTo(Reserve(Header.Length));

    /// <summary>The end-of-data marker: a field count of -1.</summary>
    public void WriteTrailer() => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);

    public void StartRow(short fieldCount) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fieldCount);

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    public void Int16(short value)
    {
        var span = Reserve(6);
        BinaryPrimitives.WriteInt32BigEndian(span, 2);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], value);
    }

    public void Int32(int value)
    {
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
    }

    public void Int32(int? value)
    {
        if (value is { } v)
        {
            Int32(v);
        }
        else
        {
            Null();
        }
    }

    public void Int64(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    public void Int64(long? value)
    {
        if (value is { } v)
        {
            Int64(v);
        }
        else
        {
            Null();
        }
    }

    public void Boolean(bool value)
    {
        var span = Reserve(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
    }

    public void Bytes(byte[]? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var span = Reserve(4 + value.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, value.Length);
        value.CopyTo(span[4..]);
    }

    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        // At most three bytes for each UTF-16 unit; the exact count is written once encoded.
        var span = Reserve(4 + (value.Length * 3));
        var count = Utf8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, count);
        Length -= (value.Length * 3) - count;
    }

    /// <summary>
    /// A UTC time as timestamptz: microseconds from the PostgreSQL epoch, sub-microsecond ticks
    /// dropped; DateTime's minimum and maximum stand for -infinity and infinity, as in Npgsql.
    /// </summary>
    public void TimestampTz(DateTime value)
    {
        if (value.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException($"timestamptz takes UTC times only; got one of kind {value.Kind}", nameof(value));
        }

        var microseconds = value == DateTime.MaxValue ? long.MaxValue
            : value == DateTime.MinValue ? long.MinValue
            : (value.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond;
        Int64(microseconds);
    }

    public void Numeric(decimal? value)
    {
        if (value is not { } v)
        {
            Null();
            return;
        }

        // numeric's binary form: digit count, weight (the power of 10,000 of the first digit), sign
        // and display scale, each 16 bits, then the base-10,000 digits, most significant first.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(v, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];

        // Align the fraction to whole base-10,000 digits: 96 bits times 1,000 still fits 128.
        var padding = (4 - (scale % 4)) % 4;
        for (var i = 0; i < padding; i++)
        {
            mantissa *= 10;
        }

        var fractionDigits = (scale + padding) / 4;
        Span<short> digits = stackalloc short[16];
        var count = 0;
        // Least significant first, at least as many digits as the fraction has.
        while (mantissa != 0 || count < fractionDigits)
        {
            digits[count++] = (short)(ushort)(mantissa % 10_000);
            mantissa /= 10_000;
        }

        var weight = count - fractionDigits - 1;
        // Leading zero digits (now at the end) lower the weight; trailing ones (at the start) say nothing.
        while (count > 0 && digits[count - 1] == 0)
        {
            count--;
            weight--;
        }

        var first = 0;
        while (first < count && digits[first] == 0)
        {
            first++;
        }

        var significant = count - first;
        if (significant == 0)
        {
            weight = 0;
            negative = false;
        }

        var span = Reserve(4 + 8 + (significant * 2));
        BinaryPrimitives.WriteInt32BigEndian(span, 8 + (significant * 2));
        BinaryPrimitives.WriteInt16BigEndian(span[4..], (short)significant);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], negative ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(span[10..], (short)scale);
        for (var i = 0; i < significant; i++)
        {
            BinaryPrimitives.WriteInt16BigEndian(span[(12 + (i * 2))..], digits[count - 1 - i]);
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>The next <paramref name="size"/> bytes of the buffer, grown when they do not fit.</summary>
    private Span<byte> Reserve(int size)
    {
        if (Length + size > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + size));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var span = _buffer.AsSpan(Length, size);
        Length += size;
        return span;
    }
}
