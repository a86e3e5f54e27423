using Google.Protobuf;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Otlp.Wire;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Normalisation;

/// <summary>What reading spans straight off the protobuf bytes must get right.</summary>
public sealed class WireNormalisationTests
{
    private static readonly DateTime Now = DateTime.UtcNow;
    private static readonly IngestContext Context = new(1, CaptureContent: false, Now, 400);

    private static List<Analytics.Spans.SpanRecord> Normalise(byte[] bytes, Rejections? rejections = null) =>
        new SpanNormaliser(new NormalisationLimits()).Normalise(bytes, Context, rejections ?? new Rejections());

    [Fact]
    public void A_resource_written_after_its_spans_still_applies_to_them()
    {
        var span = Span(NewTraceId(), NewSpanId(), null, "x", Now.AddMinutes(-1));
        var resource = new Resource { Attributes = { Attr("service.name", "late-resource") } };
        // ResourceSpans with field 2 (scope_spans) before field 1 (resource).
        var scope = new ScopeSpans { Spans = { span } };
        var resourceSpans = Concat(Field(2, scope.ToByteArray()), Field(1, resource.ToByteArray()));

        var spans = Normalise(Field(1, resourceSpans));

        spans.ShouldHaveSingleItem().Service.ShouldBe("late-resource");
    }

    [Fact]
    public void Unknown_fields_are_skipped_at_every_level()
    {
        var request = Request([Span(NewTraceId(), NewSpanId(), null, "x", Now.AddMinutes(-1), ("gen_ai.usage.input_tokens", 7))]);
        var bytes = request.ToByteArray();
        // Field 99 (varint) appended to the request, and field 50 (bytes) to nothing known.
        var extended = Concat(bytes, [0x98, 0x06, 0x01], Field(50, [1, 2, 3]));

        Normalise(extended).ShouldHaveSingleItem().InputTokens.ShouldBe(7);
    }

    [Fact]
    public void Truncated_bytes_are_refused_with_a_reason()
    {
        var bytes = Request([Span(NewTraceId(), NewSpanId(), null, "x", Now)]).ToByteArray();

        var error = Should.Throw<WireFormatException>(() => Normalise(bytes[..^3]));

        error.Message.ShouldContain("truncated");
    }

    [Fact]
    public void A_field_with_the_wrong_wire_type_is_refused()
    {
        // resource_spans (field 1) sent as a varint.
        Should.Throw<WireFormatException>(() => Normalise([0x08, 0x01])).Message.ShouldContain("wire type");
    }

    [Fact]
    public void Invalid_UTF8_in_a_value_is_kept_with_replacement_characters()
    {
        var span = Span(NewTraceId(), NewSpanId(), null, "x", Now.AddMinutes(-1));
        span.Attributes.Add(new KeyValue { Key = "custom.bytes", Value = new AnyValue { StringValue = "ok" } });
        var bytes = Request([span]).ToByteArray();
        var at = bytes.AsSpan().IndexOf("ok"u8);
        bytes[at] = 0xFF;

        var stored = Normalise(bytes).ShouldHaveSingleItem().AttributesJson!;

        stored.ShouldBe("{\"custom.bytes\":\"\uFFFDk\"}");
    }

    [Fact]
    public void Nested_arrays_and_maps_are_stored_as_JSON()
    {
        var span = Span(NewTraceId(), NewSpanId(), null, "x", Now.AddMinutes(-1));
        var list = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { StringValue = "two" } } };
        var map = new KeyValueList { Values = { Attr("a", true), Attr("b", 2.5) } };
        span.Attributes.Add(new KeyValue { Key = "custom.list", Value = new AnyValue { ArrayValue = list } });
        span.Attributes.Add(new KeyValue { Key = "custom.map", Value = new AnyValue { KvlistValue = map } });
        span.Attributes.Add(new KeyValue { Key = "custom.raw", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) } });

        var stored = Normalise(Request([span]).ToByteArray()).ShouldHaveSingleItem().AttributesJson;

        stored.ShouldBe("{\"custom.list\":[1,\"two\"],\"custom.map\":{\"a\":true,\"b\":2.5},\"custom.raw\":\"AQID\"}");
    }
}
