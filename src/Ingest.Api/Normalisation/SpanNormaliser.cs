using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Turns decoded OTLP spans into <see cref="SpanRecord"/>s: validates each span (a bad one is
/// rejected with its reason, the rest kept), reads every alias of the contract's attribute table
/// (span before resource, aliases in order), drops prompt content unless the project captures
/// it, and keeps the remaining attributes, bounded, as JSON.
/// </summary>
public sealed class SpanNormaliser(NormalisationLimits limits)
{
    private const string TruncationMark = "…[truncated]";

    // The JSON goes to a jsonb column, never into a page unescaped: no need to escape non-ASCII.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Spans may start this far ahead of the server's clock (client clock skew).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    public List<SpanRecord> Normalise(ExportTraceServiceRequest request, IngestContext context, Rejections rejections)
    {
        var spans = new List<SpanRecord>();
        var resourceSlots = new Slot[AttributeKeys.FieldCount];
        var slots = new Slot[AttributeKeys.FieldCount];
        var json = new ArrayBufferWriter<byte>(1024);
        var oldest = context.NowUtc.AddDays(-context.RetentionDays);
        var newest = context.NowUtc + MaxClockSkew;

        foreach (var resourceSpans in request.ResourceSpans)
        {
            Array.Clear(resourceSlots);
            if (resourceSpans.Resource is { } resource)
            {
                foreach (var attribute in resource.Attributes)
                {
                    Offer(resourceSlots, attribute, rankOffset: 100);
                }
            }

            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    if (Validate(span, oldest, newest) is { } reason)
                    {
                        rejections.Reject(reason);
                        continue;
                    }

                    Array.Copy(resourceSlots, slots, slots.Length);
                    spans.Add(Build(span, slots, context, json, rejections));
                }
            }
        }

        return spans;
    }

    private static string? Validate(Span span, DateTime oldest, DateTime newest)
    {
        if (span.TraceId.Length != 16 || IsAllZero(span.TraceId.Span))
        {
            return "with an invalid trace id (must be 16 bytes, not all zero)";
        }

        if (span.SpanId.Length != 8 || IsAllZero(span.SpanId.Span))
        {
            return "with an invalid span id (must be 8 bytes, not all zero)";
        }

        if (span.ParentSpanId.Length is not (0 or 8))
        {
            return "with an invalid parent span id (must be empty or 8 bytes)";
        }

        if (span.StartTimeUnixNano == 0)
        {
            return "with no start time";
        }

        if (span.EndTimeUnixNano == 0)
        {
            return "with no end time";
        }

        if (span.EndTimeUnixNano < span.StartTimeUnixNano)
        {
            return "ending before they start";
        }

        var start = FromUnixNanos(span.StartTimeUnixNano);
        if (start < oldest)
        {
            return "older than the retention period";
        }

        return start > newest ? "starting more than a day in the future" : null;
    }

    private SpanRecord Build(Span span, Slot[] slots, IngestContext context, ArrayBufferWriter<byte> json, Rejections rejections)
    {
        json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(json, WriterOptions))
        {
            writer.WriteStartObject();
            var stored = 0;
            var dropped = 0;
            foreach (var attribute in span.Attributes)
            {
                if (Offer(slots, attribute, rankOffset: 0))
                {
                    continue;
                }

                if (ContentAttributes.IsContent(attribute.Key) && !context.CaptureContent)
                {
                    continue;
                }

                if (stored >= limits.MaxStoredAttributes)
                {
                    dropped++;
                    continue;
                }

                var maxLength = ContentAttributes.IsContent(attribute.Key) ? limits.MaxContentLength : limits.MaxValueLength;
                writer.WritePropertyName(Truncate(attribute.Key, limits.MaxLabelLength, rejections)!);
                WriteValue(writer, attribute.Value, maxLength, 0, rejections);
                stored++;
            }

            if (dropped > 0)
            {
                rejections.Warn($"attributes dropped over the limit of {limits.MaxStoredAttributes} per span", dropped);
            }

            writer.WriteEndObject();
        }

        var parent = span.ParentSpanId.Length == 8 && !IsAllZero(span.ParentSpanId.Span) ? span.ParentSpanId.ToByteArray() : null;
        var record = new SpanRecord
        {
            ProjectId = context.ProjectId,
            TraceId = span.TraceId.ToByteArray(),
            SpanId = span.SpanId.ToByteArray(),
            ParentSpanId = parent,
            Name = Truncate(span.Name, limits.MaxNameLength, rejections) ?? "",
            Kind = (short)span.Kind,
            StartTime = FromUnixNanos(span.StartTimeUnixNano),
            EndTime = FromUnixNanos(span.EndTimeUnixNano),
            StatusCode = (short)(span.Status?.Code ?? 0),
            StatusMessage = Truncate(NullIfEmpty(span.Status?.Message), limits.MaxValueLength, rejections),
            Service = Label(slots, Field.ServiceName, rejections),
            Operation = Label(slots, Field.Operation, rejections),
            Provider = Label(slots, Field.Provider, rejections),
            Model = Label(slots, Field.Model, rejections),
            InputTokens = Count(slots, Field.InputTokens, rejections),
            OutputTokens = Count(slots, Field.OutputTokens, rejections),
            CacheReadTokens = Count(slots, Field.CacheReadTokens, rejections),
            CacheWriteTokens = Count(slots, Field.CacheWriteTokens, rejections),
            ReasoningTokens = Count(slots, Field.ReasoningTokens, rejections),
            ProvidedCostUsd = Money(slots, Field.ProvidedCost, rejections),
            UserId = Label(slots, Field.User, rejections),
            SessionId = Label(slots, Field.Session, rejections),
            Agent = Label(slots, Field.Agent, rejections),
            Tool = Label(slots, Field.Tool, rejections),
            RouteDecision = Label(slots, Field.RouteDecision, rejections),
            RouteTier = Label(slots, Field.RouteTier, rejections),
            CacheHit = Flag(slots, Field.CacheHit),
            Fallback = Flag(slots, Field.Fallback),
            RetryAttempt = (int)Math.Min(int.MaxValue, Math.Max(Count(slots, Field.RetryAttempt, rejections) ?? 0, Count(slots, Field.ResendCount, rejections) ?? 0)),
            AttributesJson = json.WrittenCount > 2 ? System.Text.Encoding.UTF8.GetString(json.WrittenSpan) : null,
        };
        record.IsInference = Operations.IsInference(record.Operation);

        // Attribution the span states itself (or its resource does). Inherited values are the
        // trace resolver's job, once the whole trace is known.
        var explicitBits = Attribution.None;
        if ((Label(slots, Field.Team, rejections) ?? Label(slots, Field.ServiceNamespace, rejections)) is { } team)
        {
            record.Team = team;
            explicitBits |= Attribution.Team;
        }

        var feature = Label(slots, Field.Feature, rejections) ?? (parent is null ? Label(slots, Field.WorkflowName, rejections) : null);
        if (feature is not null)
        {
            record.Feature = feature;
            explicitBits |= Attribution.Feature;
        }

        if (Label(slots, Field.Customer, rejections) is { } customer)
        {
            record.Customer = customer;
            explicitBits |= Attribution.Customer;
        }

        record.AttributionExplicit = explicitBits;
        return record;
    }

    /// <summary>Records a known attribute in its slot when it outranks what is there; false for unknown keys.</summary>
    private static bool Offer(Slot[] slots, KeyValue attribute, int rankOffset)
    {
        if (!AttributeKeys.Known.TryGetValue(attribute.Key, out var known))
        {
            return false;
        }

        ref var slot = ref slots[(int)known.Field];
        var rank = known.Rank + rankOffset + 1;
        if (slot.Value is null || rank < slot.Rank)
        {
            slot = new Slot(attribute.Value, rank);
        }

        return true;
    }

    private string? Label(Slot[] slots, Field field, Rejections rejections)
    {
        var value = slots[(int)field].Value;
        var text = value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => value.StringValue,
            AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
            _ => null,
        };
        return Truncate(NullIfEmpty(text?.Trim()), limits.MaxLabelLength, rejections);
    }

    private static long? Count(Slot[] slots, Field field, Rejections rejections)
    {
        var value = slots[(int)field].Value;
        long? count = value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.IntValue => value.IntValue,
            AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue) && Math.Abs(value.DoubleValue) < 9e15 => (long)Math.Round(value.DoubleValue),
            AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (count < 0 || (value is not null && count is null))
        {
            rejections.Warn("token counts ignored for not being non-negative integers");
            return null;
        }

        return count;
    }

    private static decimal? Money(Slot[] slots, Field field, Rejections rejections)
    {
        var value = slots[(int)field].Value;
        decimal? amount = value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue) && Math.Abs(value.DoubleValue) < 1e9 => (decimal)value.DoubleValue,
            AnyValue.ValueOneofCase.IntValue when Math.Abs(value.IntValue) < 1_000_000_000 => value.IntValue,
            AnyValue.ValueOneofCase.StringValue when decimal.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && Math.Abs(parsed) < 1e9m => parsed,
            _ => null,
        };
        if (amount < 0 || (value is not null && amount is null))
        {
            rejections.Warn("provided costs ignored for not being non-negative amounts under a billion");
            return null;
        }

        return amount is { } a ? Math.Round(a, 10) : null;
    }

    private static bool Flag(Slot[] slots, Field field)
    {
        var value = slots[(int)field].Value;
        return value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
            AnyValue.ValueOneofCase.StringValue => string.Equals(value.StringValue, "true", StringComparison.OrdinalIgnoreCase),
            AnyValue.ValueOneofCase.IntValue => value.IntValue != 0,
            _ => false,
        };
    }

    private void WriteValue(Utf8JsonWriter writer, AnyValue? value, int maxLength, int depth, Rejections rejections)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteStringValue(Truncate(value.StringValue, maxLength, rejections));
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue):
                writer.WriteNumberValue(value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                writer.WriteStringValue(value.DoubleValue.ToString(CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteStringValue(Truncate(Convert.ToBase64String(value.BytesValue.Span), maxLength, rejections));
                break;
            case AnyValue.ValueOneofCase.ArrayValue when depth < limits.MaxValueDepth:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values.Take(limits.MaxStoredAttributes))
                {
                    WriteValue(writer, item, maxLength, depth + 1, rejections);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue when depth < limits.MaxValueDepth:
                writer.WriteStartObject();
                foreach (var item in value.KvlistValue.Values.DistinctBy(kv => kv.Key).Take(limits.MaxStoredAttributes))
                {
                    writer.WritePropertyName(Truncate(item.Key, limits.MaxLabelLength, rejections)!);
                    WriteValue(writer, item.Value, maxLength, depth + 1, rejections);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsAllZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);

    public static DateTime FromUnixNanos(ulong nanos) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Min(nanos / 100, (ulong)(DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks)));

    private readonly record struct Slot(AnyValue? Value, int Rank);
}
