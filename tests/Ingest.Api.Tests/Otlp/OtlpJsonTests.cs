using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Tests.Otlp;

public sealed class OtlpJsonTests
{
    private const string TraceIdHex = "5b8efff798038103d269b633813fc60c";
    private const string SpanIdHex = "eee19b7ec3c1b174";

    // Every span field, written by hand the way an OTLP/JSON exporter writes it.
    private const string FullRequestJson = """
        {
          "resourceSpans": [{
            "resource": {
              "attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}],
              "droppedAttributesCount": 1
            },
            "schemaUrl": "https://opentelemetry.io/schemas/1.24.0",
            "scopeSpans": [{
              "scope": {"name": "openai", "version": "1.2.3"},
              "spans": [{
                "traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": "eee19b7ec3c1b174",
                "parentSpanId": "0102030405060708",
                "traceState": "vendor=1",
                "flags": 257,
                "name": "chat gpt-4o",
                "kind": 3,
                "startTimeUnixNano": "1700000000000000000",
                "endTimeUnixNano": "1700000001500000000",
                "attributes": [
                  {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "1200"}},
                  {"key": "gen_ai.request.temperature", "value": {"doubleValue": 0.25}},
                  {"key": "stream", "value": {"boolValue": false}},
                  {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}]}}}
                ],
                "droppedAttributesCount": 2,
                "events": [{"timeUnixNano": "1700000000100000000", "name": "first token"}],
                "droppedEventsCount": 3,
                "links": [{
                  "traceId": "5b8efff798038103d269b633813fc60c",
                  "spanId": "1112131415161718",
                  "traceState": "k=v",
                  "flags": 1,
                  "droppedAttributesCount": 4
                }],
                "droppedLinksCount": 5,
                "status": {"code": 2, "message": "rate limited"}
              }]
            }]
          }]
        }
        """;

    [Fact]
    public void Hex_trace_ids_decode_to_their_bytes()
    {
        var span = ParseSpan("""{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"0102030405060708"}""");

        span.TraceId.ToByteArray().ShouldBe(Convert.FromHexString(TraceIdHex));
        span.SpanId.ToByteArray().ShouldBe(Convert.FromHexString(SpanIdHex));
        span.ParentSpanId.ToByteArray().ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
    }

    [Fact]
    public void Link_ids_are_hex_too()
    {
        var span = ParseSpan("""{"links":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","flags":1}]}""");

        var link = span.Links.ShouldHaveSingleItem();
        link.TraceId.ToByteArray().ShouldBe(Convert.FromHexString(TraceIdHex));
        link.SpanId.ToByteArray().ShouldBe(Convert.FromHexString(SpanIdHex));
        link.Flags.ShouldBe(1u);
    }

    [Fact]
    public void Uppercase_hex_ids_decode_like_lowercase_ones()
    {
        var upper = ParseSpan("""{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19b7EC3c1B174"}""");

        upper.TraceId.ToByteArray().ShouldBe(Convert.FromHexString(TraceIdHex));
        upper.SpanId.ToByteArray().ShouldBe(Convert.FromHexString(SpanIdHex));
    }

    [Fact]
    public void An_empty_id_string_is_an_empty_id()
    {
        var span = ParseSpan("""{"traceId":"","spanId":"","parentSpanId":""}""");

        span.TraceId.IsEmpty.ShouldBeTrue();
        span.SpanId.IsEmpty.ShouldBeTrue();
        span.ParentSpanId.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_three_byte_id_decodes_so_the_pipeline_can_reject_that_span_alone()
    {
        var span = ParseSpan("""{"traceId":"abcdef","spanId":"eee19b7ec3c1b174"}""");

        span.TraceId.ToByteArray().ShouldBe(new byte[] { 0xab, 0xcd, 0xef });
    }

    [Fact]
    public void An_escaped_hex_id_decodes_like_a_plain_one()
    {
        var span = ParseSpan("""{"spanId":"\u0065ee19b7ec3c1b174"}""");

        span.SpanId.ToByteArray().ShouldBe(Convert.FromHexString(SpanIdHex));
    }

    [Theory]
    [InlineData("\"1700000000123456789\"")]
    [InlineData("1700000000123456789")]
    [InlineData("1.700000000123456789e18")]
    public void Int64_fields_accept_strings_and_numbers(string startTime)
    {
        var span = ParseSpan($$"""{"startTimeUnixNano":{{startTime}},"attributes":[{"key":"n","value":{"intValue": {{startTime}} } }]}""");

        span.StartTimeUnixNano.ShouldBe(1_700_000_000_123_456_789UL);
        span.Attributes[0].Value.IntValue.ShouldBe(1_700_000_000_123_456_789L);
    }

    [Fact]
    public void Negative_int64_values_decode_from_strings_and_numbers()
    {
        var span = ParseSpan("""{"attributes":[{"key":"a","value":{"intValue":"-9223372036854775808"}},{"key":"b","value":{"intValue":-42}}]}""");

        span.Attributes[0].Value.IntValue.ShouldBe(long.MinValue);
        span.Attributes[1].Value.IntValue.ShouldBe(-42);
    }

    [Fact]
    public void Enums_decode_from_integers_and_from_names()
    {
        var byNumber = ParseSpan("""{"kind":2,"status":{"code":2,"message":"boom"}}""");
        var byName = ParseSpan("""{"kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_ERROR","message":"boom"}}""");

        byNumber.Kind.ShouldBe(Span.Types.SpanKind.Server);
        byNumber.Status.Code.ShouldBe(Status.Types.StatusCode.Error);
        byName.ShouldBe(byNumber);
    }

    [Fact]
    public void An_enum_number_the_schema_does_not_name_is_kept()
    {
        ParseSpan("""{"kind":42}""").Kind.ShouldBe((Span.Types.SpanKind)42);
    }

    [Fact]
    public void An_enum_name_the_schema_does_not_know_is_ignored_like_an_unknown_field()
    {
        ParseSpan("""{"kind":"SPAN_KIND_FROM_THE_FUTURE","name":"n"}""").ShouldBe(new Span { Name = "n" });
    }

    [Fact]
    public void Unknown_fields_are_ignored_at_every_level()
    {
        var request = OtlpJson.ParseTraceRequest(Utf8("""
            {
              "futureTopLevel": {"a": [1, {"b": null}], "traceId": "not hex, and ignored"},
              "resourceSpans": [{
                "futureResourceSpans": true,
                "resource": {"attributes": [], "entityRefs": [{"type": "service"}]},
                "scopeSpans": [{
                  "scope": {"name": "lib", "future": [[[]]]},
                  "futureScopeSpans": "x",
                  "spans": [{
                    "traceId": "5b8efff798038103d269b633813fc60c",
                    "futureSpanField": {"deep": {"deeper": [1, 2, 3]}},
                    "name": "call",
                    "attributes": [{"key": "k", "value": {"stringValue": "v", "futureValueField": 1}, "futureKeyValue": 2}],
                    "events": [{"name": "e", "futureEventField": 1.5}],
                    "links": [{"spanId": "eee19b7ec3c1b174", "futureLinkField": "z"}],
                    "status": {"code": 1, "futureStatusField": false}
                  }]
                }]
              }]
            }
            """));

        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        request.ResourceSpans[0].ScopeSpans[0].Scope.Name.ShouldBe("lib");
        span.Name.ShouldBe("call");
        span.TraceId.ToByteArray().ShouldBe(Convert.FromHexString(TraceIdHex));
        span.Attributes[0].Value.StringValue.ShouldBe("v");
        span.Events[0].Name.ShouldBe("e");
        span.Links[0].SpanId.ToByteArray().ShouldBe(Convert.FromHexString(SpanIdHex));
        span.Status.Code.ShouldBe(Status.Types.StatusCode.Ok);
    }

    [Fact]
    public void Snake_case_keys_decode_like_camel_case_ones()
    {
        var camel = OtlpJson.ParseTraceRequest(Utf8("""
            {"resourceSpans":[{"schemaUrl":"s","scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "parentSpanId":"eee19b7ec3c1b174","traceState":"t","startTimeUnixNano":"1","endTimeUnixNano":"2","droppedAttributesCount":3,
            "droppedEventsCount":4,"droppedLinksCount":5,"links":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}],
            "attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"b","value":{"boolValue":true}}]}}}]}]}]}]}
            """));
        var snake = OtlpJson.ParseTraceRequest(Utf8("""
            {"resource_spans":[{"schema_url":"s","scope_spans":[{"spans":[{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174",
            "parent_span_id":"eee19b7ec3c1b174","trace_state":"t","start_time_unix_nano":"1","end_time_unix_nano":"2","dropped_attributes_count":3,
            "dropped_events_count":4,"dropped_links_count":5,"links":[{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174"}],
            "attributes":[{"key":"k","value":{"kvlist_value":{"values":[{"key":"b","value":{"bool_value":true}}]}}}]}]}]}]}
            """));

        snake.ShouldBe(camel);
        snake.ResourceSpans[0].ScopeSpans[0].Spans[0].DroppedLinksCount.ShouldBe(5u);
    }

    [Fact]
    public void Every_AnyValue_kind_decodes()
    {
        var span = ParseSpan("""
            {"attributes":[
              {"key":"s","value":{"stringValue":"text"}},
              {"key":"b","value":{"boolValue":true}},
              {"key":"i","value":{"intValue":"7"}},
              {"key":"d","value":{"doubleValue":2.5}},
              {"key":"nan","value":{"doubleValue":"NaN"}},
              {"key":"a","value":{"arrayValue":{"values":[{"intValue":1},{"arrayValue":{"values":[{"stringValue":"inner"}]}}]}}},
              {"key":"m","value":{"kvlistValue":{"values":[{"key":"nested","value":{"kvlistValue":{"values":[{"key":"x","value":{"doubleValue":-1}}]}}}]}}},
              {"key":"bytes","value":{"bytesValue":"AAECAwQFBgcICQoLDA0ODw=="}},
              {"key":"urlsafe","value":{"bytesValue":"-_8"}},
              {"key":"empty","value":{}}
            ]}
            """);

        var values = span.Attributes.ToDictionary(a => a.Key, a => a.Value);
        values["s"].StringValue.ShouldBe("text");
        values["b"].BoolValue.ShouldBeTrue();
        values["i"].IntValue.ShouldBe(7);
        values["d"].DoubleValue.ShouldBe(2.5);
        double.IsNaN(values["nan"].DoubleValue).ShouldBeTrue();
        values["a"].ArrayValue.Values[0].IntValue.ShouldBe(1);
        values["a"].ArrayValue.Values[1].ArrayValue.Values[0].StringValue.ShouldBe("inner");
        var nested = values["m"].KvlistValue.Values.ShouldHaveSingleItem();
        nested.Key.ShouldBe("nested");
        nested.Value.KvlistValue.Values[0].Value.DoubleValue.ShouldBe(-1);
        values["bytes"].BytesValue.ToByteArray().ShouldBe(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        values["urlsafe"].BytesValue.ToByteArray().ShouldBe(new byte[] { 0xfb, 0xff });
        values["empty"].ValueCase.ShouldBe(AnyValue.ValueOneofCase.None);
    }

    [Fact]
    public void An_empty_object_is_an_empty_request()
    {
        OtlpJson.ParseTraceRequest(Utf8("{}")).ShouldBe(new ExportTraceServiceRequest());
        OtlpJson.ParseMetricsRequest(Utf8(" { } ")).ShouldBe(new ExportMetricsServiceRequest());
        OtlpJson.ParseLogsRequest(Utf8("{}")).ShouldBe(new ExportLogsServiceRequest());
    }

    [Fact]
    public void Null_means_not_set()
    {
        ParseSpan("""{"name":null,"traceId":null,"attributes":null,"status":null,"kind":null}""").ShouldBe(new Span());
    }

    [Fact]
    public void A_byte_order_mark_before_the_object_is_tolerated()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8("{}").ToArray()).ToArray();

        OtlpJson.ParseTraceRequest(body).ShouldBe(new ExportTraceServiceRequest());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"resourceSpans\":[", "not valid JSON")]
    [InlineData("{} {}", "not valid JSON")]
    [InlineData("{\"resourceSpans\":[]} // comment", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("{\"resourceSpans\":{}}", "resourceSpans: Expected a list, got an object")]
    [InlineData("{\"resourceSpans\":[5]}", "resourceSpans[0]: Expected an object, got the number 5")]
    [InlineData("{\"resourceSpans\":[null]}", "resourceSpans[0]: A list item cannot be null")]
    [InlineData("{\"resourceSpans\":[{\"schemaUrl\":7}]}", "resourceSpans[0].schemaUrl: Expected a string, got the number 7")]
    public void Malformed_bodies_are_refused_with_a_plain_reason(string body, string reason)
    {
        var error = Should.Throw<OtlpDecodeException>(() => OtlpJson.ParseTraceRequest(Utf8(body)));

        error.Message.ShouldContain(reason);
    }

    [Theory]
    [InlineData("\"name\":5", "name: Expected a string, got the number 5")]
    [InlineData("\"startTimeUnixNano\":\"soon\"", "startTimeUnixNano: Expected an unsigned 64-bit integer, got the string \"soon\"")]
    [InlineData("\"startTimeUnixNano\":-1", "startTimeUnixNano: The number -1 is out of range")]
    [InlineData("\"startTimeUnixNano\":1.5", "startTimeUnixNano: Expected an unsigned 64-bit integer, got the number 1.5")]
    [InlineData("\"droppedAttributesCount\":4294967296", "droppedAttributesCount: The number 4294967296 is out of range")]
    [InlineData("\"kind\":true", "kind: Expected a SpanKind number or name, got true")]
    [InlineData("\"status\":[]", "status: Expected an object, got a list")]
    [InlineData("\"attributes\":[{\"key\":\"k\",\"value\":{\"boolValue\":\"yes\"}}]", "attributes[0].value.boolValue: Expected true or false")]
    [InlineData("\"attributes\":[{\"value\":{\"bytesValue\":\"***\"}}]", "attributes[0].value.bytesValue: Expected base64 text")]
    [InlineData("\"attributes\":[{\"value\":{\"stringValue\":\"a\",\"intValue\":1}}]", "attributes[0].value.intValue: Cannot be given together with stringValue")]
    [InlineData("\"traceId\":12", "traceId: Expected an id as a hex string, got the number 12")]
    public void Wrong_types_are_refused_with_the_place_named(string spanField, string reason)
    {
        var error = Should.Throw<OtlpDecodeException>(() => ParseSpan("{" + spanField + "}"));

        error.Message.ShouldStartWith("resourceSpans[0].scopeSpans[0].spans[0]." + reason);
    }

    [Fact]
    public void A_non_hex_id_is_refused()
    {
        // The base64 form of an id, which protobuf JSON would use and OTLP/JSON does not.
        var error = Should.Throw<OtlpDecodeException>(() => ParseSpan("""{"traceId":"W47/95gDgQPSabYzgT/GDA=="}"""));

        error.Path.ShouldBe("resourceSpans[0].scopeSpans[0].spans[0].traceId");
        error.Problem.ShouldBe("The id \"W47/95gDgQPSabYzgT/GDA==\" is not hex; OTLP/JSON writes trace and span ids as hex strings, not base64.");
    }

    [Fact]
    public void A_non_hex_link_id_is_refused_with_the_link_named()
    {
        var error = Should.Throw<OtlpDecodeException>(() => ParseSpan("""{"links":[{},{"spanId":"0g"}]}"""));

        error.Path.ShouldBe("resourceSpans[0].scopeSpans[0].spans[0].links[1].spanId");
        error.Problem.ShouldContain("is not hex");
    }

    [Fact]
    public void An_odd_length_hex_id_is_refused()
    {
        var error = Should.Throw<OtlpDecodeException>(() => ParseSpan("""{"spanId":"abc"}"""));

        error.Message.ShouldBe("resourceSpans[0].scopeSpans[0].spans[0].spanId: The id \"abc\" has an odd number of hex digits.");
    }

    [Fact]
    public void Errors_quote_at_most_a_short_piece_of_a_bad_value()
    {
        var hugeId = new string('z', 100_000);
        var hugeNumber = new string('9', 100_000);

        var badId = Should.Throw<OtlpDecodeException>(() => ParseSpan($$"""{"traceId":"{{hugeId}}"}"""));
        var badNumber = Should.Throw<OtlpDecodeException>(() => ParseSpan($$"""{"flags": {{hugeNumber}} }"""));

        badId.Message.Length.ShouldBeLessThan(250);
        badId.Message.ShouldContain("\"" + new string('z', 60) + "\u2026\"");
        badNumber.Message.Length.ShouldBeLessThan(250);
    }

    [Theory]
    [InlineData("{\"resourceSpans\": f 4\n}],\n")]
    [InlineData("{\"resourceSpans\": tru")]
    [InlineData("{\"resourceSpans\": [\"a\nb")]
    public void Syntax_errors_give_the_position_and_quote_at_most_a_short_piece_of_the_body(string start)
    {
        var body = start + new string('x', 10_000) + "}";

        var error = Should.Throw<OtlpDecodeException>(() => OtlpJson.ParseTraceRequest(Utf8(body)));

        error.Problem.ShouldStartWith("The body is not valid JSON at line ");
        error.Message.Length.ShouldBeLessThan(250);
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Text_that_is_not_UTF8_is_refused()
    {
        var body = Utf8("""{"resourceSpans":[{"schemaUrl":"x"}]}""").ToArray();
        body[Array.IndexOf(body, (byte)'x')] = 0xFF;

        Should.Throw<OtlpDecodeException>(() => OtlpJson.ParseTraceRequest(body));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted_and_one_level_more_is_refused()
    {
        // The root object is level 1, so an unknown field can hold 63 nested lists.
        static string Nested(int lists) => "{\"future\":" + new string('[', lists) + new string(']', lists) + "}";

        OtlpJson.ParseTraceRequest(Utf8(Nested(63))).ShouldBe(new ExportTraceServiceRequest());
        var error = Should.Throw<OtlpDecodeException>(() => OtlpJson.ParseTraceRequest(Utf8(Nested(64))));
        error.Message.ShouldContain("deeper than 64 levels");
    }

    [Fact]
    public void Deeply_nested_attribute_values_are_refused()
    {
        // Each array level adds three JSON levels: the AnyValue, its ArrayValue and the values list.
        var open = string.Concat(Enumerable.Repeat("""{"arrayValue":{"values":[""", 30));
        var close = string.Concat(Enumerable.Repeat("]}}", 30));
        var json = """{"attributes":[{"key":"deep","value":""" + open + "{}" + close + "}]}";

        var error = Should.Throw<OtlpDecodeException>(() => ParseSpan(json));

        error.Problem.ShouldBe("The JSON nests deeper than 64 levels.");
        error.Path.ShouldStartWith("resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0].arrayValue");
    }

    [Fact]
    public void Random_corruptions_of_a_valid_body_raise_only_OtlpDecodeException()
    {
        var random = new Random(20240611);
        var original = Encoding.UTF8.GetBytes(FullRequestJson);
        // JSON punctuation, digits, hex, literals' letters, an escape, a two-byte character and a byte that is never UTF-8.
        byte[] alphabet = [.. Encoding.UTF8.GetBytes("{}[]\":,0123456789abcdefxyz-+.eE\\ ntrufl\u00e9"), 0xFF];

        for (var attempt = 0; attempt < 5_000; attempt++)
        {
            var body = original.ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(body.Count);
                var edit = random.Next(3);
                if (edit == 0)
                {
                    body.RemoveAt(at);
                }
                else if (edit == 1)
                {
                    body[at] = alphabet[random.Next(alphabet.Length)];
                }
                else
                {
                    body.Insert(at, alphabet[random.Next(alphabet.Length)]);
                }
            }

            try
            {
                OtlpJson.ParseTraceRequest(body.ToArray());
            }
            catch (OtlpDecodeException)
            {
                // Refusing the body is the expected outcome for most corruptions.
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Attempt {attempt} raised {e.GetType().Name} for: {Encoding.UTF8.GetString(body.ToArray())}", e);
            }
        }
    }

    [Fact]
    public void Metrics_requests_parse_and_their_data_points_can_be_counted()
    {
        var request = OtlpJson.ParseMetricsRequest(Utf8("""
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
              "scopeMetrics":[{"scope":{"name":"m"},"metrics":[
                {"name":"g","gauge":{"dataPoints":[{"asDouble":1.5,"timeUnixNano":"1"},{"asInt":"2"}]}},
                {"name":"s","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"3","exemplars":[{"traceId":"ab"}]}]}},
                {"name":"h","histogram":{"dataPoints":[{"count":"4","bucketCounts":["1","3"],"explicitBounds":[1.0]}]}},
                {"name":"e","exponential_histogram":{"data_points":[{"scale":2,"positive":{"offset":1,"bucketCounts":["1"]}},{}]}},
                {"name":"q","summary":{"dataPoints":[{"quantileValues":[{"quantile":0.5,"value":1}]}]}},
                {"name":"empty"}
              ]}]}]}
            """));

        var metrics = request.ResourceMetrics[0].ScopeMetrics[0].Metrics;
        metrics.Select(m => m.Name).ShouldBe(["g", "s", "h", "e", "q", "empty"]);
        metrics[3].DataCase.ShouldBe(Metric.DataOneofCase.ExponentialHistogram);
        OtlpCounts.DataPoints(request).ShouldBe(7);
    }

    [Fact]
    public void Logs_requests_parse_and_their_records_can_be_counted()
    {
        var request = OtlpJson.ParseLogsRequest(Utf8("""
            {"resourceLogs":[
              {"scopeLogs":[{"logRecords":[
                {"timeUnixNano":"1","severityNumber":9,"body":{"stringValue":"hello"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},
                {"body":{"kvlistValue":{"values":[]}}}
              ]},{"log_records":[{}]}]},
              {"scopeLogs":[]}
            ]}
            """));

        OtlpCounts.LogRecords(request).ShouldBe(3);
    }

    [Fact]
    public void Spans_in_several_resources_and_scopes_all_decode()
    {
        var request = OtlpJson.ParseTraceRequest(Utf8("""
            {"resourceSpans":[{"scopeSpans":[{"spans":[{},{}]},{"spans":[{}]}]},{"scopeSpans":[{"spans":[{}]}]}]}
            """));

        request.ResourceSpans.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count).ShouldBe(4);
    }

    [Fact]
    public void A_full_success_response_formats_as_an_empty_object()
    {
        OtlpJson.FormatResponse(new ExportTraceServiceResponse()).ShouldBe("{}");
        OtlpJson.FormatResponse(new ExportMetricsServiceResponse()).ShouldBe("{}");
        OtlpJson.FormatResponse(new ExportLogsServiceResponse()).ShouldBe("{}");
    }

    [Fact]
    public void A_partial_success_response_formats_with_camel_case_keys()
    {
        var response = new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = 2, ErrorMessage = "2 spans had invalid ids" },
        };

        using var json = JsonDocument.Parse(OtlpJson.FormatResponse(response));

        var partial = json.RootElement.GetProperty("partialSuccess");
        long.Parse(partial.GetProperty("rejectedSpans").ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(2);
        partial.GetProperty("errorMessage").GetString().ShouldBe("2 spans had invalid ids");
    }

    [Fact]
    public void Metrics_and_logs_partial_success_responses_name_their_own_counts()
    {
        var metrics = OtlpJson.FormatResponse(new ExportMetricsServiceResponse
        {
            PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = 5, ErrorMessage = "metrics are not stored" },
        });
        var logs = OtlpJson.FormatResponse(new ExportLogsServiceResponse
        {
            PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = 1, ErrorMessage = "logs are not stored" },
        });

        metrics.ShouldContain("\"rejectedDataPoints\": \"5\"");
        logs.ShouldContain("\"rejectedLogRecords\": \"1\"");
    }

    [Fact]
    public void A_warning_without_rejections_omits_the_zero_count()
    {
        var response = new ExportTraceServiceResponse { PartialSuccess = new ExportTracePartialSuccess { ErrorMessage = "slow down" } };

        using var json = JsonDocument.Parse(OtlpJson.FormatResponse(response));

        var partial = json.RootElement.GetProperty("partialSuccess");
        partial.TryGetProperty("rejectedSpans", out _).ShouldBeFalse();
        partial.GetProperty("errorMessage").GetString().ShouldBe("slow down");
    }

    [Fact]
    public void A_request_written_as_OTLP_JSON_parses_to_the_same_message_built_in_code()
    {
        var expected = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource
                    {
                        Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "checkout" } } },
                        DroppedAttributesCount = 1,
                    },
                    SchemaUrl = "https://opentelemetry.io/schemas/1.24.0",
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Scope = new InstrumentationScope { Name = "openai", Version = "1.2.3" },
                            Spans =
                            {
                                new Span
                                {
                                    TraceId = ByteString.CopyFrom(Convert.FromHexString(TraceIdHex)),
                                    SpanId = ByteString.CopyFrom(Convert.FromHexString(SpanIdHex)),
                                    ParentSpanId = ByteString.CopyFrom(Convert.FromHexString("0102030405060708")),
                                    TraceState = "vendor=1",
                                    Flags = 257,
                                    Name = "chat gpt-4o",
                                    Kind = Span.Types.SpanKind.Client,
                                    StartTimeUnixNano = 1_700_000_000_000_000_000,
                                    EndTimeUnixNano = 1_700_000_001_500_000_000,
                                    Attributes =
                                    {
                                        new KeyValue { Key = "gen_ai.usage.input_tokens", Value = new AnyValue { IntValue = 1200 } },
                                        new KeyValue { Key = "gen_ai.request.temperature", Value = new AnyValue { DoubleValue = 0.25 } },
                                        new KeyValue { Key = "stream", Value = new AnyValue { BoolValue = false } },
                                        new KeyValue
                                        {
                                            Key = "tags",
                                            Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "a" } } } },
                                        },
                                    },
                                    DroppedAttributesCount = 2,
                                    Events = { new Span.Types.Event { TimeUnixNano = 1_700_000_000_100_000_000, Name = "first token" } },
                                    DroppedEventsCount = 3,
                                    Links =
                                    {
                                        new Span.Types.Link
                                        {
                                            TraceId = ByteString.CopyFrom(Convert.FromHexString(TraceIdHex)),
                                            SpanId = ByteString.CopyFrom(Convert.FromHexString("1112131415161718")),
                                            TraceState = "k=v",
                                            Flags = 1,
                                            DroppedAttributesCount = 4,
                                        },
                                    },
                                    DroppedLinksCount = 5,
                                    Status = new Status { Code = Status.Types.StatusCode.Error, Message = "rate limited" },
                                },
                            },
                        },
                    },
                },
            },
        };

        OtlpJson.ParseTraceRequest(Utf8(FullRequestJson)).ShouldBe(expected);
    }

    private static Span ParseSpan(string spanJson)
    {
        var request = OtlpJson.ParseTraceRequest(Utf8("""{"resourceSpans":[{"scopeSpans":[{"spans":[""" + spanJson + "]}]}]}"));
        return request.ResourceSpans[0].ScopeSpans[0].Spans.ShouldHaveSingleItem();
    }

    private static ReadOnlyMemory<byte> Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
