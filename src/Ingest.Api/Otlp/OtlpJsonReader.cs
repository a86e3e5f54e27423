using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// Reads OTLP/JSON into protobuf messages in one pass over the UTF-8 bytes, guided by the message
/// descriptors, so one reader serves traces, metrics and logs.
/// </summary>
internal static partial class OtlpJsonReader
{
    /// <summary>
    /// AnyValue can nest without end; 64 levels (the System.Text.Json default) leaves room for about
    /// 18 levels of nested attribute values, far beyond what instrumentation sends.
    /// </summary>
    public const int MaxDepth = 64;

    // Room for System.Text.Json's description of the fault, not for the body around it.
    private const int MaxSyntaxErrorChars = 160;

    public static T Parse<T>(ReadOnlySpan<byte> utf8Json)
        where T : IMessage, new()
    {
        // A BOM is not JSON, but some senders add one; the reader would reject it.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            throw new OtlpDecodeException("The body is empty; an OTLP/JSON request is a JSON object such as {}.");
        }

        // The reader's own limit sits above ours so that ours, with its clearer message, is hit first.
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth * 2 });
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new OtlpDecodeException($"The body must be a JSON object, not {OtlpJsonScalars.Describe(ref reader)}.");
        }

        var message = new T();
        ReadMessage(ref reader, message);
        if (TryRead(ref reader))
        {
            throw new OtlpDecodeException("The body has content after the JSON object.");
        }

        return message;
    }

    /// <summary>Reads the object the reader is on into <paramref name="message"/>; ends on its EndObject.</summary>
    private static void ReadMessage(ref Utf8JsonReader reader, IMessage message)
    {
        var fields = OtlpJsonFields.For(message.Descriptor);
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            var field = fields.Find(ref reader);
            Read(ref reader);
            if (field is null)
            {
                Skip(ref reader);
                continue;
            }

            try
            {
                ReadField(ref reader, message, field);
            }
            catch (OtlpDecodeException e)
            {
                throw e.Within(field.JsonName);
            }
        }
    }

    private static void ReadField(ref Utf8JsonReader reader, IMessage message, FieldDescriptor field)
    {
        // Protobuf JSON: null means "not set".
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (field.IsRepeated)
        {
            ReadList(ref reader, (IList)field.Accessor.GetValue(message), field);
            return;
        }

        if (field.FieldType == FieldType.Message)
        {
            CheckOneof(message, field);
            var child = (IMessage?)field.Accessor.GetValue(message) ?? NewMessage(field.MessageType);
            ReadChild(ref reader, child);
            field.Accessor.SetValue(message, child);
            return;
        }

        var value = OtlpJsonScalars.Read(ref reader, field);
        if (value is not null)
        {
            CheckOneof(message, field);
            field.Accessor.SetValue(message, value);
        }
    }

    // OTLP has no map fields; a map would need its own reader (JSON object, not array).
    private static void ReadList(ref Utf8JsonReader reader, IList list, FieldDescriptor field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new OtlpDecodeException($"Expected a list, got {OtlpJsonScalars.Describe(ref reader)}.");
        }

        for (var index = 0; ; index++)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            try
            {
                ReadListItem(ref reader, list, field);
            }
            catch (OtlpDecodeException e)
            {
                throw e.Within(string.Create(CultureInfo.InvariantCulture, $"[{index}]"));
            }
        }
    }

    private static void ReadListItem(ref Utf8JsonReader reader, IList list, FieldDescriptor field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new OtlpDecodeException("A list item cannot be null.");
        }

        if (field.FieldType == FieldType.Message)
        {
            var child = NewMessage(field.MessageType);
            ReadChild(ref reader, child);
            list.Add(child);
            return;
        }

        var value = OtlpJsonScalars.Read(ref reader, field);
        if (value is not null)
        {
            list.Add(value);
        }
    }

    private static void ReadChild(ref Utf8JsonReader reader, IMessage child)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new OtlpDecodeException($"Expected an object, got {OtlpJsonScalars.Describe(ref reader)}.");
        }

        ReadMessage(ref reader, child);
    }

    /// <summary>AnyValue holds one value; two of its alternatives at once would be ambiguous.</summary>
    private static void CheckOneof(IMessage message, FieldDescriptor field)
    {
        var current = field.RealContainingOneof?.Accessor.GetCaseFieldDescriptor(message);
        if (current is not null && current != field)
        {
            throw new OtlpDecodeException($"Cannot be given together with {current.JsonName}; only one of them may be set.");
        }
    }

    private static IMessage NewMessage(MessageDescriptor descriptor) =>
        (IMessage)Activator.CreateInstance(descriptor.ClrType)!;

    /// <summary>Skips an unknown field's value, still checking its syntax and depth.</summary>
    private static void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        do
        {
            Read(ref reader);
        }
        while (reader.CurrentDepth > depth);
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!TryRead(ref reader))
        {
            throw new OtlpDecodeException("The JSON ends before the object is closed.");
        }
    }

    private static bool TryRead(ref Utf8JsonReader reader)
    {
        bool read;
        try
        {
            read = reader.Read();
        }
        catch (JsonException e)
        {
            throw new OtlpDecodeException(DescribeSyntaxError(e), e);
        }

        // CurrentDepth counts from 0 at the outermost object.
        if (read && reader.TokenType is (JsonTokenType.StartObject or JsonTokenType.StartArray) && reader.CurrentDepth >= MaxDepth)
        {
            throw new OtlpDecodeException($"The JSON nests deeper than {MaxDepth} levels.");
        }

        return read;
    }

    private static string DescribeSyntaxError(JsonException e)
    {
        var text = e.Message;
        var position = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (position >= 0)
        {
            text = text[..position];
        }

        // System.Text.Json quotes a bad literal up to the end of the input; keep only its start.
        var literal = BadLiteral().Match(text);
        if (literal.Success)
        {
            text = OtlpJsonScalars.Quote(literal.Groups[1].Value) + literal.Groups[2].Value;
        }

        text = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (text.Length > MaxSyntaxErrorChars)
        {
            text = text[..MaxSyntaxErrorChars] + "\u2026";
        }

        var where = e.LineNumber is { } line && e.BytePositionInLine is { } column
            ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, byte {column + 1}")
            : "";
        return $"The body is not valid JSON{where}: {text}";
    }

    [GeneratedRegex(@"^'(.*)'( is an invalid JSON literal\..*)$", RegexOptions.Singleline)]
    private static partial Regex BadLiteral();
}
