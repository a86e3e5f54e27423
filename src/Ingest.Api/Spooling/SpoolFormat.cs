using System.Buffers.Binary;
using System.Numerics;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>
/// The layout of a spool segment file: an 8-byte magic, then records, each a 16-byte header
/// (payload length, CRC-32C of the rest, append time in Unix milliseconds) and its payload. The
/// checksum covers the time and the payload, so a torn or flipped record is told from a good one.
/// </summary>
public static class SpoolFormat
{
    public const int MagicLength = 8;
    public const int HeaderLength = 16;

    /// <summary>A payload longer than this is a corrupt length, not a record (requests are at most 1 GiB).</summary>
    public const int MaxPayloadLength = 1024 * 1024 * 1024;

    public static ReadOnlySpan<byte> Magic => "TGSPOOL1"u8;

    /// <summary>Writes one record's header and payload into <paramref name="destination"/>.</summary>
    public static void WriteRecord(Span<byte> destination, ReadOnlySpan<byte> payload, long appendedAtMs)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], appendedAtMs);
        payload.CopyTo(destination[HeaderLength..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Checksum(destination[8..(HeaderLength + payload.Length)]));
    }

    /// <summary>The payload length a header announces, or -1 when it cannot be a record's.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length is >= 0 and <= MaxPayloadLength ? length : -1;
    }

    public static long AppendedAtMs(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header[8..]);

    /// <summary>Whether a whole record (header and payload) is as it was written.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> record) =>
        BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) == Checksum(record[8..]);

    /// <summary>CRC-32C (Castagnoli), computed by the processor's CRC instruction where it has one.</summary>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
