using Google.Protobuf;
using Google.Protobuf.Reflection;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Tests.Otlp;

/// <summary>Our .proto files are hand-written, so their field numbers are checked against the OTLP specification.</summary>
public sealed class OtlpProtoSchemaTests
{
    private static readonly Dictionary<string, MessageDescriptor> Messages = new[]
    {
        AnyValue.Descriptor, ArrayValue.Descriptor, KeyValueList.Descriptor, KeyValue.Descriptor, InstrumentationScope.Descriptor,
        Resource.Descriptor, ResourceSpans.Descriptor, ScopeSpans.Descriptor, Span.Descriptor, Span.Types.Event.Descriptor,
        Span.Types.Link.Descriptor, Status.Descriptor, ExportTraceServiceRequest.Descriptor, ExportTraceServiceResponse.Descriptor,
        ExportTracePartialSuccess.Descriptor, Metric.Descriptor, Gauge.Descriptor, Sum.Descriptor, Histogram.Descriptor,
        ExponentialHistogram.Descriptor, Summary.Descriptor, ExportMetricsPartialSuccess.Descriptor, ScopeLogs.Descriptor,
        ExportLogsPartialSuccess.Descriptor,
    }.ToDictionary(d => d.FullName);

    [Theory]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "string_value", 1, FieldType.String)]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "bool_value", 2, FieldType.Bool)]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "int_value", 3, FieldType.Int64)]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "double_value", 4, FieldType.Double)]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "array_value", 5, FieldType.Message)]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "kvlist_value", 6, FieldType.Message)]
    [InlineData("opentelemetry.proto.common.v1.AnyValue", "bytes_value", 7, FieldType.Bytes)]
    [InlineData("opentelemetry.proto.common.v1.ArrayValue", "values", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.common.v1.KeyValueList", "values", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.common.v1.KeyValue", "key", 1, FieldType.String)]
    [InlineData("opentelemetry.proto.common.v1.KeyValue", "value", 2, FieldType.Message)]
    [InlineData("opentelemetry.proto.common.v1.InstrumentationScope", "name", 1, FieldType.String)]
    [InlineData("opentelemetry.proto.common.v1.InstrumentationScope", "version", 2, FieldType.String)]
    [InlineData("opentelemetry.proto.common.v1.InstrumentationScope", "attributes", 3, FieldType.Message)]
    [InlineData("opentelemetry.proto.common.v1.InstrumentationScope", "dropped_attributes_count", 4, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.resource.v1.Resource", "attributes", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.resource.v1.Resource", "dropped_attributes_count", 2, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.trace.v1.ResourceSpans", "resource", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.ResourceSpans", "scope_spans", 2, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.ResourceSpans", "schema_url", 3, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.ScopeSpans", "scope", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.ScopeSpans", "spans", 2, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.ScopeSpans", "schema_url", 3, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "trace_id", 1, FieldType.Bytes)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "span_id", 2, FieldType.Bytes)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "trace_state", 3, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "parent_span_id", 4, FieldType.Bytes)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "flags", 16, FieldType.Fixed32)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "name", 5, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "kind", 6, FieldType.Enum)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "start_time_unix_nano", 7, FieldType.Fixed64)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "end_time_unix_nano", 8, FieldType.Fixed64)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "attributes", 9, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "dropped_attributes_count", 10, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "events", 11, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "dropped_events_count", 12, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "links", 13, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "dropped_links_count", 14, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.trace.v1.Span", "status", 15, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Event", "time_unix_nano", 1, FieldType.Fixed64)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Event", "name", 2, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Event", "attributes", 3, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Event", "dropped_attributes_count", 4, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Link", "trace_id", 1, FieldType.Bytes)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Link", "span_id", 2, FieldType.Bytes)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Link", "trace_state", 3, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Link", "attributes", 4, FieldType.Message)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Link", "dropped_attributes_count", 5, FieldType.UInt32)]
    [InlineData("opentelemetry.proto.trace.v1.Span.Link", "flags", 6, FieldType.Fixed32)]
    [InlineData("opentelemetry.proto.trace.v1.Status", "message", 2, FieldType.String)]
    [InlineData("opentelemetry.proto.trace.v1.Status", "code", 3, FieldType.Enum)]
    [InlineData("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest", "resource_spans", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse", "partial_success", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess", "rejected_spans", 1, FieldType.Int64)]
    [InlineData("opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess", "error_message", 2, FieldType.String)]
    [InlineData("opentelemetry.proto.metrics.v1.Metric", "gauge", 5, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Metric", "sum", 7, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Metric", "histogram", 9, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Metric", "exponential_histogram", 10, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Metric", "summary", 11, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Gauge", "data_points", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Sum", "data_points", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Histogram", "data_points", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.ExponentialHistogram", "data_points", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.metrics.v1.Summary", "data_points", 1, FieldType.Message)]
    [InlineData("opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess", "rejected_data_points", 1, FieldType.Int64)]
    [InlineData("opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess", "error_message", 2, FieldType.String)]
    [InlineData("opentelemetry.proto.logs.v1.ScopeLogs", "log_records", 2, FieldType.Message)]
    [InlineData("opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess", "rejected_log_records", 1, FieldType.Int64)]
    [InlineData("opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess", "error_message", 2, FieldType.String)]
    public void Field_numbers_and_types_match_the_OTLP_specification(string message, string field, int number, FieldType type)
    {
        var descriptor = Messages[message].FindFieldByName(field);

        descriptor.ShouldNotBeNull();
        descriptor.FieldNumber.ShouldBe(number);
        descriptor.FieldType.ShouldBe(type);
    }

    [Fact]
    public void Span_declares_every_field_of_the_specification_and_no_other()
    {
        Span.Descriptor.Fields.InFieldNumberOrder().Select(f => f.FieldNumber).ShouldBe(Enumerable.Range(1, 16));
        Span.Descriptor.FindFieldByName("flags").FieldNumber.ShouldBe(16);
    }

    [Fact]
    public void Enum_numbers_match_the_OTLP_specification()
    {
        ((int)Span.Types.SpanKind.Unspecified).ShouldBe(0);
        ((int)Span.Types.SpanKind.Internal).ShouldBe(1);
        ((int)Span.Types.SpanKind.Server).ShouldBe(2);
        ((int)Span.Types.SpanKind.Client).ShouldBe(3);
        ((int)Span.Types.SpanKind.Producer).ShouldBe(4);
        ((int)Span.Types.SpanKind.Consumer).ShouldBe(5);
        ((int)Status.Types.StatusCode.Unset).ShouldBe(0);
        ((int)Status.Types.StatusCode.Ok).ShouldBe(1);
        ((int)Status.Types.StatusCode.Error).ShouldBe(2);
    }

    [Fact]
    public void A_span_with_every_field_survives_a_binary_round_trip()
    {
        var attribute = new KeyValue { Key = "k", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2) } };
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
            SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(i => (byte)i).ToArray()),
            TraceState = "a=b",
            ParentSpanId = ByteString.CopyFrom(Enumerable.Range(9, 8).Select(i => (byte)i).ToArray()),
            Flags = 0x101,
            Name = "span",
            Kind = Span.Types.SpanKind.Consumer,
            StartTimeUnixNano = ulong.MaxValue - 1,
            EndTimeUnixNano = ulong.MaxValue,
            Attributes = { attribute },
            DroppedAttributesCount = 1,
            Events = { new Span.Types.Event { TimeUnixNano = 5, Name = "e", Attributes = { attribute }, DroppedAttributesCount = 2 } },
            DroppedEventsCount = 3,
            Links =
            {
                new Span.Types.Link
                {
                    TraceId = ByteString.CopyFrom(9), SpanId = ByteString.CopyFrom(8), TraceState = "c=d",
                    Attributes = { attribute }, DroppedAttributesCount = 4, Flags = 1,
                },
            },
            DroppedLinksCount = 6,
            Status = new Status { Code = Status.Types.StatusCode.Ok, Message = "fine" },
        };

        var copy = Span.Parser.ParseFrom(span.ToByteArray());

        copy.ShouldBe(span);
        foreach (var field in Span.Descriptor.Fields.InDeclarationOrder())
        {
            // Clearing a field changes the span only if the test set it.
            var without = span.Clone();
            field.Accessor.Clear(without);
            without.ShouldNotBe(span, field.Name);
        }
    }

    [Fact]
    public void Fields_unknown_to_the_minimal_metric_messages_are_skipped_in_binary_too()
    {
        // A real data point: start_time_unix_nano (2, fixed64) and as_double (4, double).
        var point = new byte[] { 0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F };
        var gauge = new byte[] { 0x0A, (byte)point.Length }.Concat(point).ToArray();

        Gauge.Parser.ParseFrom(gauge).DataPoints.Count.ShouldBe(1);
    }
}
