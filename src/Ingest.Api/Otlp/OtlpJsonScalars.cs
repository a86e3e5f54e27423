using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>Scalar values under the protobuf JSON mapping, plus the OTLP rule that ids are hex.</summary>
internal static class OtlpJsonScalars
{
    // Enough of a bad value to recognise it, short enough that an error never carries the payload.
    private const int MaxQuotedChars = 60;

    /// <summary>The value as the field's CLR type, or null for an enum name this schema does not know (ignored like an unknown field).</summary>
    public static object? Read(ref Utf8JsonReader reader, FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => ReadString(ref reader),
        FieldType.Bool => ReadBool(ref reader),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)ReadSigned(ref reader, int.MinValue, int.MaxValue, "a 32-bit integer"),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ReadSigned(ref reader, long.MinValue, long.MaxValue, "a 64-bit integer"),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)ReadUnsigned(ref reader, uint.MaxValue, "an unsigned 32-bit integer"),
        FieldType.UInt64 or FieldType.Fixed64 => ReadUnsigned(ref reader, ulong.MaxValue, "an unsigned 64-bit integer"),
        FieldType.Double => ReadDouble(ref reader),
        FieldType.Float => ReadFloat(ref reader),
        FieldType.Bytes => IsHexId(field) ? ReadHex(ref reader) : ReadBase64(ref reader),
        FieldType.Enum => ReadEnum(ref reader, field.EnumType),
        _ => throw new UnreachableException($"{field.FullName} is a {field.FieldType}, which is not a scalar."),
    };

    /// <summary>OTLP/JSON writes these ids in hex where protobuf JSON would use base64.</summary>
    private static bool IsHexId(FieldDescriptor field) => field.Name is "trace_id" or "span_id" or "parent_span_id";

    public static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new OtlpDecodeException("The text is not valid UTF-8.", e);
        }
    }

    /// <summary>What the reader is on, in words, quoting at most a short piece of a value.</summary>
    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "the string " + Quote(reader.ValueSpan),
        JsonTokenType.Number => "the number " + Quote(reader.ValueSpan).Trim('"'),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        _ => reader.TokenType.ToString(),
    };

    private static string ReadString(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? GetString(ref reader) : throw Expected("a string", ref reader);

    private static bool ReadBool(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Expected("true or false", ref reader),
    };

    // Protobuf JSON takes integers as numbers or strings; 64-bit ones usually come as strings
    // because JavaScript numbers cannot hold them.
    private static long ReadSigned(ref Utf8JsonReader reader, long min, long max, string what)
    {
        long value;
        if (reader.TokenType == JsonTokenType.Number ? reader.TryGetInt64(out value) : TryParseUtf8(ref reader, out value))
        {
            return value >= min && value <= max ? value : throw OutOfRange(what, ref reader);
        }

        var exact = ReadWholeNumber(ref reader, what);
        return exact >= min && exact <= max ? (long)exact : throw OutOfRange(what, ref reader);
    }

    private static ulong ReadUnsigned(ref Utf8JsonReader reader, ulong max, string what)
    {
        ulong value;
        if (reader.TokenType == JsonTokenType.Number ? reader.TryGetUInt64(out value) : TryParseUtf8(ref reader, out value))
        {
            return value <= max ? value : throw OutOfRange(what, ref reader);
        }

        var exact = ReadWholeNumber(ref reader, what);
        return exact >= 0 && exact <= max ? (ulong)exact : throw OutOfRange(what, ref reader);
    }

    private static bool TryParseUtf8(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length;
    }

    private static bool TryParseUtf8(ref Utf8JsonReader reader, out ulong value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var used) && used == reader.ValueSpan.Length;
    }

    /// <summary>The slow path for forms like 1e3, 5.0 or "-0", which protobuf JSON also accepts.</summary>
    private static decimal ReadWholeNumber(ref Utf8JsonReader reader, string what)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.String => GetString(ref reader),
            _ => throw Expected(what, ref reader),
        };

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw reader.TokenType == JsonTokenType.Number ? OutOfRange(what, ref reader) : Expected(what, ref reader);
        }

        return value == decimal.Truncate(value) ? value : throw Expected(what, ref reader);
    }

    private static double ReadDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out var number) && double.IsFinite(number) ? number : throw OutOfRange("a double", ref reader);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected("a number", ref reader);
        }

        // JSON has no literal for these, so protobuf JSON spells them as strings.
        return GetString(ref reader) switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) => parsed,
            _ => throw Expected("a number", ref reader),
        };
    }

    private static float ReadFloat(ref Utf8JsonReader reader)
    {
        var value = ReadDouble(ref reader);
        return !double.IsFinite(value) || Math.Abs(value) <= float.MaxValue ? (float)value : throw OutOfRange("a float", ref reader);
    }

    private static ByteString ReadHex(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected("an id as a hex string", ref reader);
        }

        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(GetString(ref reader)) : reader.ValueSpan;
        if (text.Length % 2 != 0)
        {
            throw new OtlpDecodeException($"The id {Quote(text)} has an odd number of hex digits.");
        }

        // Any length decodes: judging an id's length is the pipeline's job, span by span.
        var bytes = new byte[text.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            var high = HexDigit(text[2 * i]);
            var low = HexDigit(text[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                throw new OtlpDecodeException($"The id {Quote(text)} is not hex; OTLP/JSON writes trace and span ids as hex strings, not base64.");
            }

            bytes[i] = (byte)((high << 4) | low);
        }

        return bytes.Length == 0 ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static ByteString ReadBase64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected("base64 text", ref reader);
        }

        // Protobuf JSON also accepts the URL-safe alphabet and missing padding.
        var text = GetString(ref reader).Replace('-', '+').Replace('_', '/');
        if (text.Length % 4 != 0)
        {
            text = text.PadRight(text.Length + 4 - (text.Length % 4), '=');
        }

        var bytes = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text, bytes, out var written)
            ? UnsafeByteOperations.UnsafeWrap(bytes.AsMemory(0, written))
            : throw Expected("base64 text", ref reader);
    }

    private static object? ReadEnum(ref Utf8JsonReader reader, EnumDescriptor type)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // Proto3 enums are open: a number this schema does not name is kept as it is.
            return reader.TryGetInt32(out var number) ? Enum.ToObject(type.ClrType, number) : throw Expected("an enum number", ref reader);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Expected($"a {type.Name} number or name", ref reader);
        }

        var value = type.FindValueByName(GetString(ref reader));
        return value is null ? null : Enum.ToObject(type.ClrType, value.Number);
    }

    private static OtlpDecodeException Expected(string what, ref Utf8JsonReader reader) =>
        new($"Expected {what}, got {Describe(ref reader)}.");

    private static OtlpDecodeException OutOfRange(string what, ref Utf8JsonReader reader) =>
        new($"{Capitalise(Describe(ref reader))} is out of range for {what}.");

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    // Decode a little more than needed so a cut multi-byte character does not matter.
    private static string Quote(ReadOnlySpan<byte> utf8) =>
        Quote(Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, MaxQuotedChars * 4)]));

    /// <summary>The text in double quotes, cut to a short piece.</summary>
    public static string Quote(string text) =>
        text.Length <= MaxQuotedChars ? $"\"{text}\"" : $"\"{text[..MaxQuotedChars]}\u2026\"";
}
