using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Writes the attributes that fill no slot as a span's JSON object, for the span table's jsonb
/// column: prompt content only when the project captures it, at most
/// <see cref="NormalisationLimits.MaxStoredAttributes"/> a span (the rest counted in a warning),
/// values cut to their limits and nested no deeper than <see cref="NormalisationLimits.MaxValueDepth"/>.
/// </summary>
/// <remarks>One writer serves every span of a request, reusing its buffer.</remarks>
internal sealed class AttributeJsonWriter : IDisposable
{
    /// <summary>Keys longer than a label are cut; classifying by their start is enough.</summary>
    private const int ClassifiedKeyLength = 256;

    // The JSON goes to a jsonb column, never into a page unescaped: no need to escape non-ASCII.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly NormalisationLimits _limits;
    private readonly bool _captureContent;
    private readonly Rejections _rejections;
    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly char[] _keyChars = new char[ClassifiedKeyLength];
    private int _stored;
    private int _dropped;

    public AttributeJsonWriter(NormalisationLimits limits, bool captureContent, Rejections rejections)
    {
        _limits = limits;
        _captureContent = captureContent;
        _rejections = rejections;
        _writer = new Utf8JsonWriter(_json, WriterOptions);
    }

    /// <summary>Starts a span's object.</summary>
    public void Begin()
    {
        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        _stored = 0;
        _dropped = 0;
    }

    /// <summary>Adds an attribute to the object, unless it is content the project does not capture or over the limit.</summary>
    public void Add(ReadOnlySpan<byte> buffer, ReadOnlySpan<byte> key, WireValue value)
    {
        var chars = _keyChars.AsSpan(0, Encoding.UTF8.GetChars(key[..Math.Min(key.Length, ClassifiedKeyLength)], _keyChars));
        var content = ContentAttributes.IsContent(chars);
        if (content && !_captureContent)
        {
            return;
        }

        if (_stored >= _limits.MaxStoredAttributes)
        {
            _dropped++;
            return;
        }

        WriteText(key, _limits.MaxLabelLength, propertyName: true);
        WriteValue(buffer, value, content ? _limits.MaxContentLength : _limits.MaxValueLength, 0);
        _stored++;
    }

    /// <summary>Ends the span's object: its JSON, or null when it holds no attribute.</summary>
    public string? End()
    {
        if (_dropped > 0)
        {
            _rejections.Warn($"attributes dropped over the limit of {_limits.MaxStoredAttributes} per span", _dropped);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        return _json.WrittenCount > 2 ? Encoding.UTF8.GetString(_json.WrittenSpan) : null;
    }

    public void Dispose() => _writer.Dispose();

    private void WriteValue(ReadOnlySpan<byte> buffer, WireValue value, int maxLength, int depth)
    {
        switch (value.Kind)
        {
            case WireValueKind.String:
                WriteText(value.Bytes(buffer), maxLength, propertyName: false);
                break;
            case WireValueKind.Bool:
                _writer.WriteBooleanValue(value.Int != 0);
                break;
            case WireValueKind.Int:
                _writer.WriteNumberValue(value.Int);
                break;
            case WireValueKind.Double when double.IsFinite(value.Double):
                _writer.WriteNumberValue(value.Double);
                break;
            case WireValueKind.Double:
                _writer.WriteStringValue(value.Double.ToString(CultureInfo.InvariantCulture));
                break;
            case WireValueKind.Bytes:
                _writer.WriteStringValue(StoredText.Truncate(Convert.ToBase64String(value.Bytes(buffer)), maxLength, _rejections));
                break;
            case WireValueKind.Array when depth < _limits.MaxValueDepth:
            {
                _writer.WriteStartArray();
                var reader = new WireReader(buffer, value.Start, value.Length);
                var count = 0;
                while (reader.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == WireReader.LengthDelimited && count++ < _limits.MaxStoredAttributes)
                    {
                        var (s, l) = reader.ReadLengthDelimited();
                        WriteValue(buffer, WireValue.Read(buffer, s, l), maxLength, depth + 1);
                    }
                    else
                    {
                        reader.Skip(wireType);
                    }
                }

                _writer.WriteEndArray();
                break;
            }

            case WireValueKind.KeyValueList when depth < _limits.MaxValueDepth:
            {
                _writer.WriteStartObject();
                var reader = new WireReader(buffer, value.Start, value.Length);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == WireReader.LengthDelimited && seen.Count < _limits.MaxStoredAttributes)
                    {
                        var (s, l) = reader.ReadLengthDelimited();
                        var (keyStart, keyLength, item) = WireValue.ReadKeyValue(buffer, s, l);
                        // JSON objects must not repeat a name; the first value of a key wins.
                        if (seen.Add(Encoding.UTF8.GetString(buffer.Slice(keyStart, keyLength))))
                        {
                            WriteText(buffer.Slice(keyStart, keyLength), _limits.MaxLabelLength, propertyName: true);
                            WriteValue(buffer, item, maxLength, depth + 1);
                        }
                    }
                    else
                    {
                        reader.Skip(wireType);
                    }
                }

                _writer.WriteEndObject();
                break;
            }

            default:
                _writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Writes UTF-8 text as a JSON string or property name, cut to a number of characters.</summary>
    private void WriteText(ReadOnlySpan<byte> utf8, int maxLength, bool propertyName)
    {
        // Within the limit in bytes means within it in characters too: write the bytes as they are.
        if (utf8.Length <= maxLength && Utf8.IsValid(utf8) && !utf8.Contains((byte)0))
        {
            if (propertyName)
            {
                _writer.WritePropertyName(utf8);
            }
            else
            {
                _writer.WriteStringValue(utf8);
            }

            return;
        }

        // Long, invalid UTF-8 (decoded with replacement characters) or holding NUL: go through a string.
        var text = StoredText.Truncate(StoredText.Storable(Encoding.UTF8.GetString(utf8), _rejections), maxLength, _rejections)!;
        if (propertyName)
        {
            _writer.WritePropertyName(text);
        }
        else
        {
            _writer.WriteStringValue(text);
        }
    }
}
