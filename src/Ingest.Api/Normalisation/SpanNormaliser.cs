using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Google.Protobuf;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Turns an OTLP ExportTraceServiceRequest, read straight off its protobuf bytes, into
/// <see cref="SpanRecord"/>s: validates each span (a bad one is rejected with its reason, the
/// rest kept), reads every alias of the contract's attribute table (span before resource,
/// aliases in order), drops prompt content unless the project captures it, and keeps the
/// remaining attributes, bounded, as JSON.
/// </summary>
/// <remarks>
/// Reading the wire format directly, rather than building protobuf objects, avoids an object per
/// attribute key, value and wrapper: at tens of thousands of spans a second that garbage, not
/// the parsing, was the receiver's main cost (bench/ingest.sh).
/// </remarks>
public sealed class SpanNormaliser(NormalisationLimits limits)
{
    private const string TruncationMark = "…[truncated]";

    // Field numbers of opentelemetry.proto.trace.v1 and .resource.v1.
    private const int RequestResourceSpans = 1;
    private const int ResourceSpansResource = 1, ResourceSpansScopeSpans = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeSpansScope = 1, ScopeSpansSpans = 2;
    private const int ScopeName = 1;
    private const int SpanTraceId = 1, SpanSpanId = 2, SpanParentSpanId = 4, SpanName = 5, SpanKind = 6, SpanStart = 7, SpanEnd = 8,
        SpanAttributes = 9, SpanStatus = 15;
    private const int StatusMessage = 2, StatusCode = 3;

    /// <summary>Spans may start this far ahead of the server's clock (client clock skew).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    // The JSON goes to a jsonb column, never into a page unescaped: no need to escape non-ASCII.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>For requests that arrive as objects (OTLP/JSON, tests): normalised from their bytes.</summary>
    public List<SpanRecord> Normalise(ExportTraceServiceRequest request, IngestContext context, Rejections rejections) =>
        Normalise(request.ToByteArray(), context, rejections);

    /// <exception cref="WireFormatException">The bytes are not a valid ExportTraceServiceRequest.</exception>
    public List<SpanRecord> Normalise(ReadOnlyMemory<byte> request, IngestContext context, Rejections rejections)
    {
        var state = new State(request, context, rejections);
        var reader = new WireReader(request.Span, 0, request.Length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == RequestResourceSpans)
            {
                WireReader.Expect(wireType, WireReader.LengthDelimited, "ExportTraceServiceRequest.resource_spans");
                var (start, length) = reader.ReadLengthDelimited();
                ReadResourceSpans(state, start, length);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return state.Spans;
    }

    private void ReadResourceSpans(State state, int start, int length)
    {
        var buffer = state.Buffer.Span;
        // The resource may follow its spans on the wire: read it first.
        Array.Clear(state.ResourceSlots);
        var reader = new WireReader(buffer, start, length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field != ResourceSpansResource)
            {
                reader.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ResourceSpans.resource");
            var (resourceStart, resourceLength) = reader.ReadLengthDelimited();
            var resource = new WireReader(buffer, resourceStart, resourceLength);
            while (resource.TryReadTag(out var resourceField, out var resourceWireType))
            {
                if (resourceField == ResourceAttributes)
                {
                    WireReader.Expect(resourceWireType, WireReader.LengthDelimited, "Resource.attributes");
                    var (kvStart, kvLength) = resource.ReadLengthDelimited();
                    var (keyStart, keyLength, value) = WireValue.ReadKeyValue(buffer, kvStart, kvLength);
                    Offer(state.ResourceSlots, buffer.Slice(keyStart, keyLength), value, rankOffset: 100, state.Context.Attribution);
                }
                else
                {
                    resource.Skip(resourceWireType);
                }
            }
        }

        reader = new WireReader(buffer, start, length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field != ResourceSpansScopeSpans)
            {
                reader.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ResourceSpans.scope_spans");
            var (scopeStart, scopeLength) = reader.ReadLengthDelimited();
            state.Quirk = ScopeQuirk(buffer, scopeStart, scopeLength);
            var scope = new WireReader(buffer, scopeStart, scopeLength);
            while (scope.TryReadTag(out var scopeField, out var scopeWireType))
            {
                if (scopeField == ScopeSpansSpans)
                {
                    WireReader.Expect(scopeWireType, WireReader.LengthDelimited, "ScopeSpans.spans");
                    var (spanStart, spanLength) = scope.ReadLengthDelimited();
                    ReadSpan(state, spanStart, spanLength);
                }
                else
                {
                    scope.Skip(scopeWireType);
                }
            }
        }
    }

    /// <summary>The quirk of the library that names itself in ScopeSpans.scope, if it has one.</summary>
    private static LibraryQuirk? ScopeQuirk(ReadOnlySpan<byte> buffer, int start, int length)
    {
        var scopeSpans = new WireReader(buffer, start, length);
        while (scopeSpans.TryReadTag(out var field, out var wireType))
        {
            if (field != ScopeSpansScope)
            {
                scopeSpans.Skip(wireType);
                continue;
            }

            WireReader.Expect(wireType, WireReader.LengthDelimited, "ScopeSpans.scope");
            var (scopeStart, scopeLength) = scopeSpans.ReadLengthDelimited();
            var scope = new WireReader(buffer, scopeStart, scopeLength);
            while (scope.TryReadTag(out var scopeField, out var scopeWireType))
            {
                if (scopeField != ScopeName)
                {
                    scope.Skip(scopeWireType);
                    continue;
                }

                WireReader.Expect(scopeWireType, WireReader.LengthDelimited, "InstrumentationScope.name");
                var (nameStart, nameLength) = scope.ReadLengthDelimited();
                return LibraryQuirks.For(buffer.Slice(nameStart, nameLength));
            }
        }

        return null;
    }

    private void ReadSpan(State state, int start, int length)
    {
        var buffer = state.Buffer.Span;
        Array.Copy(state.ResourceSlots, state.Slots, state.Slots.Length);
        var span = default(RawSpan);
        var attributes = state.Attributes;
        attributes.Clear();
        var reader = new WireReader(buffer, start, length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case SpanTraceId:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.trace_id");
                    span.TraceId = reader.ReadLengthDelimited();
                    break;
                case SpanSpanId:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.span_id");
                    span.SpanId = reader.ReadLengthDelimited();
                    break;
                case SpanParentSpanId:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.parent_span_id");
                    span.ParentSpanId = reader.ReadLengthDelimited();
                    break;
                case SpanName:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.name");
                    span.Name = reader.ReadLengthDelimited();
                    break;
                case SpanKind:
                    WireReader.Expect(wireType, WireReader.Varint, "Span.kind");
                    span.Kind = (short)reader.ReadVarint();
                    break;
                case SpanStart:
                    WireReader.Expect(wireType, WireReader.Fixed64, "Span.start_time_unix_nano");
                    span.Start = reader.ReadFixed64();
                    break;
                case SpanEnd:
                    WireReader.Expect(wireType, WireReader.Fixed64, "Span.end_time_unix_nano");
                    span.End = reader.ReadFixed64();
                    break;
                case SpanAttributes:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.attributes");
                    attributes.Add(reader.ReadLengthDelimited());
                    break;
                case SpanStatus:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.status");
                    ReadStatus(buffer, reader.ReadLengthDelimited(), ref span);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (Validate(buffer, span, state.Oldest, state.Newest) is { } reason)
        {
            state.Rejections.Reject(reason);
            return;
        }

        state.Spans.Add(Build(state, buffer, span, attributes));
    }

    private static void ReadStatus(ReadOnlySpan<byte> buffer, (int Start, int Length) status, ref RawSpan span)
    {
        var reader = new WireReader(buffer, status.Start, status.Length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == StatusMessage && wireType == WireReader.LengthDelimited)
            {
                span.StatusMessage = reader.ReadLengthDelimited();
            }
            else if (field == StatusCode && wireType == WireReader.Varint)
            {
                span.StatusCode = (short)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static string? Validate(ReadOnlySpan<byte> buffer, RawSpan span, DateTime oldest, DateTime newest)
    {
        if (span.TraceId.Length != 16 || IsAllZero(buffer.Slice(span.TraceId.Start, span.TraceId.Length)))
        {
            return "with an invalid trace id (must be 16 bytes, not all zero)";
        }

        if (span.SpanId.Length != 8 || IsAllZero(buffer.Slice(span.SpanId.Start, span.SpanId.Length)))
        {
            return "with an invalid span id (must be 8 bytes, not all zero)";
        }

        if (span.ParentSpanId.Length is not (0 or 8))
        {
            return "with an invalid parent span id (must be empty or 8 bytes)";
        }

        if (span.Start == 0)
        {
            return "with no start time";
        }

        if (span.End == 0)
        {
            return "with no end time";
        }

        if (span.End < span.Start)
        {
            return "ending before they start";
        }

        var start = FromUnixNanos(span.Start);
        if (start < oldest)
        {
            return "older than the retention period";
        }

        return start > newest ? "starting more than a day in the future" : null;
    }

    private SpanRecord Build(State state, ReadOnlySpan<byte> buffer, RawSpan span, List<(int Start, int Length)> attributes)
    {
        var slots = state.Slots;
        var rejections = state.Rejections;
        var json = state.Json;
        json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(json, WriterOptions))
        {
            writer.WriteStartObject();
            var stored = 0;
            var dropped = 0;
            Span<char> keyChars = stackalloc char[256];
            foreach (var (kvStart, kvLength) in attributes)
            {
                var (keyStart, keyLength, value) = WireValue.ReadKeyValue(buffer, kvStart, kvLength);
                var key = buffer.Slice(keyStart, keyLength);
                if (Offer(slots, key, value, rankOffset: 0, state.Context.Attribution))
                {
                    continue;
                }

                // Keys longer than a label are cut; classifying by their start is enough.
                var chars = keyChars[..Encoding.UTF8.GetChars(key[..Math.Min(key.Length, 256)], keyChars)];
                var content = ContentAttributes.IsContent(chars);
                if (content && !state.Context.CaptureContent)
                {
                    continue;
                }

                if (stored >= limits.MaxStoredAttributes)
                {
                    dropped++;
                    continue;
                }

                WriteText(writer, key, limits.MaxLabelLength, rejections, propertyName: true);
                WriteValue(writer, buffer, value, content ? limits.MaxContentLength : limits.MaxValueLength, 0, rejections);
                stored++;
            }

            if (dropped > 0)
            {
                rejections.Warn($"attributes dropped over the limit of {limits.MaxStoredAttributes} per span", dropped);
            }

            writer.WriteEndObject();
        }

        var parent = span.ParentSpanId.Length == 8 && !IsAllZero(buffer.Slice(span.ParentSpanId.Start, 8))
            ? buffer.Slice(span.ParentSpanId.Start, 8).ToArray()
            : null;
        var record = new SpanRecord
        {
            ProjectId = state.Context.ProjectId,
            TraceId = buffer.Slice(span.TraceId.Start, 16).ToArray(),
            SpanId = buffer.Slice(span.SpanId.Start, 8).ToArray(),
            ParentSpanId = parent,
            Name = Text(buffer, span.Name, limits.MaxNameLength, rejections) ?? "",
            Kind = span.Kind,
            StartTime = FromUnixNanos(span.Start),
            EndTime = FromUnixNanos(span.End),
            StatusCode = span.StatusCode,
            StatusMessage = Text(buffer, span.StatusMessage, limits.MaxValueLength, rejections),
            Service = Label(buffer, slots, Field.ServiceName, rejections),
            Operation = Label(buffer, slots, Field.Operation, rejections),
            Provider = Label(buffer, slots, Field.Provider, rejections),
            Model = Label(buffer, slots, Field.Model, rejections),
            InputTokens = Count(buffer, slots, Field.InputTokens, rejections),
            OutputTokens = Count(buffer, slots, Field.OutputTokens, rejections),
            CacheReadTokens = Count(buffer, slots, Field.CacheReadTokens, rejections),
            CacheWriteTokens = Count(buffer, slots, Field.CacheWriteTokens, rejections),
            ReasoningTokens = Count(buffer, slots, Field.ReasoningTokens, rejections),
            ProvidedCostUsd = ProvidedCost(buffer, slots, rejections),
            UserId = Label(buffer, slots, Field.User, rejections),
            SessionId = Label(buffer, slots, Field.Session, rejections),
            Agent = Label(buffer, slots, Field.Agent, rejections),
            Tool = Label(buffer, slots, Field.Tool, rejections),
            RouteDecision = Label(buffer, slots, Field.RouteDecision, rejections),
            RouteTier = Label(buffer, slots, Field.RouteTier, rejections),
            ResponseId = Label(buffer, slots, Field.ResponseId, rejections),
            CacheHit = Flag(buffer, slots, Field.CacheHit),
            Fallback = Flag(buffer, slots, Field.Fallback),
            RetryAttempt = (int)Math.Min(int.MaxValue, Math.Max(Count(buffer, slots, Field.RetryAttempt, rejections) ?? 0, Count(buffer, slots, Field.ResendCount, rejections) ?? 0)),
            AttributesJson = json.WrittenCount > 2 ? Encoding.UTF8.GetString(json.WrittenSpan) : null,
        };
        record.IsInference = Operations.IsInference(record.Operation);
        if (state.Quirk is { } quirk && record.InputTokens is not null)
        {
            quirk.Correct(record);
        }

        // Attribution the span states itself (or its resource does). Inherited values are the
        // trace resolver's job, once the whole trace is known.
        var explicitBits = Attribution.None;
        if ((Label(buffer, slots, Field.Team, rejections) ?? Label(buffer, slots, Field.ServiceNamespace, rejections)) is { } team)
        {
            record.Team = team;
            explicitBits |= Attribution.Team;
        }

        var feature = Label(buffer, slots, Field.Feature, rejections) ?? (parent is null ? Label(buffer, slots, Field.WorkflowName, rejections) : null);
        if (feature is not null)
        {
            record.Feature = feature;
            explicitBits |= Attribution.Feature;
        }

        if (Label(buffer, slots, Field.Customer, rejections) is { } customer)
        {
            record.Customer = customer;
            explicitBits |= Attribution.Customer;
        }

        record.AttributionExplicit = explicitBits;
        return record;
    }

    /// <summary>Records a known attribute in its slot when it outranks what is there; false for unknown keys.</summary>
    private static bool Offer(Slot[] slots, ReadOnlySpan<byte> key, WireValue value, int rankOffset, CustomAttribution? custom)
    {
        if (key.Length > 64)
        {
            // No known key is this long.
            return false;
        }

        Span<char> chars = stackalloc char[64];
        var written = Encoding.UTF8.GetChars(key, chars);
        if (!AttributeKeys.KnownByChars.TryGetValue(chars[..written], out var known)
            && (custom is null || !custom.ByChars.TryGetValue(chars[..written], out known)))
        {
            return false;
        }

        ref var slot = ref slots[(int)known.Field];
        var rank = known.Rank + rankOffset + 1;
        if (slot.Rank == 0 || rank < slot.Rank)
        {
            slot = new Slot(value, rank);
        }

        return true;
    }

    private string? Label(ReadOnlySpan<byte> buffer, Slot[] slots, Field field, Rejections rejections)
    {
        var slot = slots[(int)field];
        if (slot.Rank == 0)
        {
            return null;
        }

        var value = slot.Value;
        var text = value.Kind switch
        {
            WireValueKind.String => Trimmed(value.Bytes(buffer)) is { Length: > 0 } bytes && bytes.Length <= limits.MaxLabelLength && !bytes.Contains((byte)0)
                ? StringPool.Get(bytes)
                : Truncate(NullIfEmpty(Storable(Encoding.UTF8.GetString(Trimmed(value.Bytes(buffer))), rejections)), limits.MaxLabelLength, rejections),
            WireValueKind.Int => value.Int.ToString(CultureInfo.InvariantCulture),
            WireValueKind.Double => value.Double.ToString(CultureInfo.InvariantCulture),
            WireValueKind.Bool => value.Int != 0 ? "true" : "false",
            _ => null,
        };
        return NullIfEmpty(text);
    }

    private static long? Count(ReadOnlySpan<byte> buffer, Slot[] slots, Field field, Rejections rejections)
    {
        var slot = slots[(int)field];
        if (slot.Rank == 0)
        {
            return null;
        }

        var value = slot.Value;
        long? count = value.Kind switch
        {
            WireValueKind.Int => value.Int,
            WireValueKind.Double when double.IsFinite(value.Double) && Math.Abs(value.Double) < 9e15 => (long)Math.Round(value.Double),
            WireValueKind.String when long.TryParse(value.Bytes(buffer), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (count is null or < 0)
        {
            rejections.Warn("token counts ignored for not being non-negative integers");
            return null;
        }

        if (count > CostLimits.MaxTokens)
        {
            rejections.Warn("token counts ignored for being over ten billion (no model call uses that many)");
            return null;
        }

        return count;
    }

    /// <summary>
    /// A cost the span carries counts only in US dollars. An amount in another currency
    /// (gen_ai.usage.cost.currency) is not converted, since no exchange rate is known here: it is
    /// ignored, with a warning, and the call is priced from the catalogue like one without a cost.
    /// </summary>
    private decimal? ProvidedCost(ReadOnlySpan<byte> buffer, Slot[] slots, Rejections rejections)
    {
        if (Money(buffer, slots, Field.ProvidedCost, rejections) is not { } amount)
        {
            return null;
        }

        var currency = Label(buffer, slots, Field.CostCurrency, rejections);
        if (currency is null || currency.Equals("USD", StringComparison.OrdinalIgnoreCase))
        {
            return amount;
        }

        rejections.Warn("provided costs ignored for being in a currency other than USD (gen_ai.usage.cost.currency); those calls are priced from the catalogue");
        return null;
    }

    private static decimal? Money(ReadOnlySpan<byte> buffer, Slot[] slots, Field field, Rejections rejections)
    {
        var slot = slots[(int)field];
        if (slot.Rank == 0)
        {
            return null;
        }

        var value = slot.Value;
        decimal? amount = value.Kind switch
        {
            WireValueKind.Double when double.IsFinite(value.Double) && Math.Abs(value.Double) < (double)CostLimits.MaxUsd => (decimal)value.Double,
            // A range test, not Math.Abs: the absolute value of long.MinValue overflows.
            WireValueKind.Int when value.Int > -CostLimits.MaxUsd && value.Int < CostLimits.MaxUsd => value.Int,
            WireValueKind.String when decimal.TryParse(value.Bytes(buffer), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && Math.Abs(parsed) < CostLimits.MaxUsd => parsed,
            _ => null,
        };
        if (amount is null or < 0)
        {
            rejections.Warn("provided costs ignored for not being non-negative amounts under a billion");
            return null;
        }

        return Math.Round(amount.Value, 10);
    }

    private static bool Flag(ReadOnlySpan<byte> buffer, Slot[] slots, Field field)
    {
        var slot = slots[(int)field];
        var value = slot.Value;
        return slot.Rank != 0 && value.Kind switch
        {
            WireValueKind.Bool or WireValueKind.Int => value.Int != 0,
            WireValueKind.String => Ascii.EqualsIgnoreCase(value.Bytes(buffer), "true"u8),
            _ => false,
        };
    }

    private void WriteValue(Utf8JsonWriter writer, ReadOnlySpan<byte> buffer, WireValue value, int maxLength, int depth, Rejections rejections)
    {
        switch (value.Kind)
        {
            case WireValueKind.String:
                WriteText(writer, value.Bytes(buffer), maxLength, rejections, propertyName: false);
                break;
            case WireValueKind.Bool:
                writer.WriteBooleanValue(value.Int != 0);
                break;
            case WireValueKind.Int:
                writer.WriteNumberValue(value.Int);
                break;
            case WireValueKind.Double when double.IsFinite(value.Double):
                writer.WriteNumberValue(value.Double);
                break;
            case WireValueKind.Double:
                writer.WriteStringValue(value.Double.ToString(CultureInfo.InvariantCulture));
                break;
            case WireValueKind.Bytes:
                writer.WriteStringValue(Truncate(Convert.ToBase64String(value.Bytes(buffer)), maxLength, rejections));
                break;
            case WireValueKind.Array when depth < limits.MaxValueDepth:
            {
                writer.WriteStartArray();
                var reader = new WireReader(buffer, value.Start, value.Length);
                var count = 0;
                while (reader.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == WireReader.LengthDelimited && count++ < limits.MaxStoredAttributes)
                    {
                        var (s, l) = reader.ReadLengthDelimited();
                        WriteValue(writer, buffer, WireValue.Read(buffer, s, l), maxLength, depth + 1, rejections);
                    }
                    else
                    {
                        reader.Skip(wireType);
                    }
                }

                writer.WriteEndArray();
                break;
            }

            case WireValueKind.KeyValueList when depth < limits.MaxValueDepth:
            {
                writer.WriteStartObject();
                var reader = new WireReader(buffer, value.Start, value.Length);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == WireReader.LengthDelimited && seen.Count < limits.MaxStoredAttributes)
                    {
                        var (s, l) = reader.ReadLengthDelimited();
                        var (keyStart, keyLength, item) = WireValue.ReadKeyValue(buffer, s, l);
                        // JSON objects must not repeat a name; the first value of a key wins.
                        if (seen.Add(Encoding.UTF8.GetString(buffer.Slice(keyStart, keyLength))))
                        {
                            WriteText(writer, buffer.Slice(keyStart, keyLength), limits.MaxLabelLength, rejections, propertyName: true);
                            WriteValue(writer, buffer, item, maxLength, depth + 1, rejections);
                        }
                    }
                    else
                    {
                        reader.Skip(wireType);
                    }
                }

                writer.WriteEndObject();
                break;
            }

            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Writes UTF-8 text as a JSON string or property name, cut to a number of characters.</summary>
    private static void WriteText(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8, int maxLength, Rejections rejections, bool propertyName)
    {
        // Within the limit in bytes means within it in characters too: write the bytes as they are.
        if (utf8.Length <= maxLength && Utf8.IsValid(utf8) && !utf8.Contains((byte)0))
        {
            if (propertyName)
            {
                writer.WritePropertyName(utf8);
            }
            else
            {
                writer.WriteStringValue(utf8);
            }

            return;
        }

        // Long, invalid UTF-8 (decoded with replacement characters) or holding NUL: go through a string.
        var text = Truncate(Storable(Encoding.UTF8.GetString(utf8), rejections), maxLength, rejections)!;
        if (propertyName)
        {
            writer.WritePropertyName(text);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static string? Text(ReadOnlySpan<byte> buffer, (int Start, int Length) slice, int maxLength, Rejections rejections) =>
        slice.Length == 0 ? null : Truncate(Storable(Encoding.UTF8.GetString(buffer.Slice(slice.Start, slice.Length)), rejections), maxLength, rejections);

    /// <summary>
    /// PostgreSQL text and jsonb cannot hold the NUL character (one would fail the whole commit
    /// group), so it becomes U+FFFD, the replacement character invalid UTF-8 already turns into.
    /// </summary>
    private static string Storable(string text, Rejections rejections)
    {
        if (!text.Contains('\0', StringComparison.Ordinal))
        {
            return text;
        }

        rejections.Warn("NUL characters replaced with U+FFFD (PostgreSQL cannot store them)");
        return text.Replace('\0', '\uFFFD');
    }

    private static string? Truncate(string? value, int maxLength, Rejections rejections)
    {
        if (value is null || value.Length <= maxLength)
        {
            return value;
        }

        rejections.Warn($"attribute values cut to {maxLength} characters");
        var cut = maxLength - TruncationMark.Length;
        // Never split a surrogate pair: half a character is not valid UTF-16 for JSON.
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }

        return string.Concat(value.AsSpan(0, Math.Max(0, cut)), TruncationMark);
    }

    private static ReadOnlySpan<byte> Trimmed(ReadOnlySpan<byte> utf8) => utf8.Trim(" \t\r\n"u8);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsAllZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);

    public static DateTime FromUnixNanos(ulong nanos) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Min(nanos / 100, (ulong)(DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks)));

    private readonly record struct Slot(WireValue Value, int Rank);

    private struct RawSpan
    {
        public (int Start, int Length) TraceId;
        public (int Start, int Length) SpanId;
        public (int Start, int Length) ParentSpanId;
        public (int Start, int Length) Name;
        public (int Start, int Length) StatusMessage;
        public short Kind;
        public short StatusCode;
        public ulong Start;
        public ulong End;
    }

    /// <summary>Per-request scratch space, reused for every span of the request.</summary>
    private sealed class State(ReadOnlyMemory<byte> buffer, IngestContext context, Rejections rejections)
    {
        public ReadOnlyMemory<byte> Buffer { get; } = buffer;
        public IngestContext Context { get; } = context;
        public Rejections Rejections { get; } = rejections;
        public List<SpanRecord> Spans { get; } = [];
        public Slot[] ResourceSlots { get; } = new Slot[AttributeKeys.FieldCount];
        public Slot[] Slots { get; } = new Slot[AttributeKeys.FieldCount];
        public List<(int Start, int Length)> Attributes { get; } = [];
        public LibraryQuirk? Quirk { get; set; }
        public ArrayBufferWriter<byte> Json { get; } = new(1024);
        public DateTime Oldest { get; } = context.NowUtc.AddDays(-context.RetentionDays);
        public DateTime Newest { get; } = context.NowUtc + MaxClockSkew;
    }
}
