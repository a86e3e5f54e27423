using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>A message's fields by JSON key: the lowerCamelCase JSON name and the proto (snake_case) name, as protobuf JSON parsers accept both.</summary>
internal sealed class OtlpJsonFields
{
    // Longer than any OTLP field name: a longer key is unknown and is skipped without a lookup.
    private const int MaxKeyLength = 64;

    private static readonly ConcurrentDictionary<MessageDescriptor, OtlpJsonFields> Cache = new();

    private readonly Dictionary<string, FieldDescriptor>.AlternateLookup<ReadOnlySpan<char>> _byKey;

    private OtlpJsonFields(MessageDescriptor descriptor)
    {
        var byKey = new Dictionary<string, FieldDescriptor>(StringComparer.Ordinal);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            byKey[field.JsonName] = field;
            byKey[field.Name] = field;
        }

        _byKey = byKey.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static OtlpJsonFields For(MessageDescriptor descriptor) =>
        Cache.GetOrAdd(descriptor, static d => new OtlpJsonFields(d));

    /// <summary>The field named by the property name the reader is on, or null when it is unknown.</summary>
    public FieldDescriptor? Find(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Rare: senders escape a key only when they must, so this path may allocate.
            return _byKey.Dictionary.TryGetValue(OtlpJsonScalars.GetString(ref reader), out var named) ? named : null;
        }

        var raw = reader.ValueSpan;
        Span<char> key = stackalloc char[MaxKeyLength];
        return raw.Length <= MaxKeyLength
            && Encoding.UTF8.TryGetChars(raw, key, out var length)
            && _byKey.TryGetValue(key[..length], out var field)
            ? field
            : null;
    }
}
