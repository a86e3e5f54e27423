using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Tests;

/// <summary>Builds OTLP export requests the way SDKs shape them, for tests.</summary>
internal static class OtlpBuilder
{
    private static int _next = Environment.ProcessId * 1000;

    public static byte[] NewTraceId()
    {
        var id = Guid.NewGuid().ToByteArray();
        id[0] |= 1;
        return id;
    }

    public static byte[] NewSpanId()
    {
        var id = BitConverter.GetBytes(((long)Interlocked.Increment(ref _next) << 16) | 0x1F);
        return id;
    }

    public static ulong Nanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;

    public static Span Span(byte[] traceId, byte[] spanId, byte[]? parent, string name, DateTime start, params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(spanId),
            ParentSpanId = parent is null ? ByteString.Empty : ByteString.CopyFrom(parent),
            Name = name,
            Kind = Tollgate.Ingest.Api.Otlp.Proto.Span.Types.SpanKind.Client,
            StartTimeUnixNano = Nanos(start),
            EndTimeUnixNano = Nanos(start.AddMilliseconds(250)),
        };
        span.Attributes.AddRange(attributes.Select(a => Attr(a.Key, a.Value)));
        return span;
    }

    public static KeyValue Attr(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            bool b => new AnyValue { BoolValue = b },
            int i => new AnyValue { IntValue = i },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            _ => throw new ArgumentException($"unsupported attribute type {value.GetType()}"),
        },
    };

    public static ExportTraceServiceRequest Request(IEnumerable<Span> spans, params (string Key, object Value)[] resource)
    {
        var resourceSpans = new ResourceSpans { Resource = new Resource(), ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "tests" } } } };
        resourceSpans.Resource.Attributes.AddRange(resource.Select(a => Attr(a.Key, a.Value)));
        resourceSpans.ScopeSpans[0].Spans.AddRange(spans);
        return new ExportTraceServiceRequest { ResourceSpans = { resourceSpans } };
    }

    /// <summary>A length-delimited protobuf field, for writing messages in an order or shape the generated code would not.</summary>
    public static byte[] Field(int number, byte[] payload)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(payload));
        output.Flush();
        return stream.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
