using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp.Proto;
using RpcStatus = Tollgate.Ingest.Api.Otlp.Rpc.Status;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Otlp;

[Collection(IngestCollection.Name)]
public sealed class HttpIngestTests(IngestFixture fixture)
{
    private static readonly DateTime Start = DateTime.UtcNow.AddMinutes(-1);

    private static Span MiniCall(byte[] trace, byte[]? parent = null, byte[]? spanId = null) =>
        Span(trace, spanId ?? NewSpanId(), parent, "chat gpt-4o-mini", Start,
            ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o-mini"),
            ("gen_ai.response.model", "gpt-4o-mini-2024-07-18"), ("gen_ai.usage.input_tokens", 1200), ("gen_ai.usage.output_tokens", 300),
            ("gen_ai.usage.cache_read.input_tokens", 200));

    // (1200 - 200) * 0.15 + 200 * 0.075 + 300 * 0.60, per million.
    private const decimal MiniCallCost = 0.000345m;

    [Fact]
    public async Task A_protobuf_batch_is_stored_priced_and_answered_in_protobuf()
    {
        var trace = NewTraceId();

        var response = await fixture.PostProtobufAsync(Request([MiniCall(trace)], ("service.name", "chat-api")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-protobuf");
        ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess.ShouldBeNull();
        var span = (await fixture.SpansAsync(trace)).ShouldHaveSingleItem();
        span["computed_cost_usd"].ShouldBe(MiniCallCost);
        span["cost_source"].ShouldBe("computed");
        span["billing"].ShouldBe(true);
        span["service"].ShouldBe("chat-api");
        span["price_id"].ShouldNotBeNull();
    }

    [Fact]
    public async Task A_JSON_batch_with_hex_ids_is_stored_and_answered_in_JSON()
    {
        var trace = NewTraceId();
        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
              "scopeSpans":[{"spans":[{"traceId":"{{{Convert.ToHexString(trace)}}}","spanId":"0102030405060708","name":"chat",
                "kind":3,"startTimeUnixNano":"{{{Nanos(Start)}}}","endTimeUnixNano":{{{Nanos(Start) + 1000}}},
                "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                  {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
                  {"key":"gen_ai.usage.input_tokens","value":{"intValue":"1000"}},
                  {"key":"gen_ai.usage.output_tokens","value":{"intValue":100}}],
                "someFutureField":{"x":1}}]}]}]}
            """;
        using var client = fixture.OtlpClient();

        var response = await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync()).ShouldBe("{}");
        var span = (await fixture.SpansAsync(trace)).ShouldHaveSingleItem();
        span["span_id"].ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        span["computed_cost_usd"].ShouldBe(0.00021m);
    }

    [Fact]
    public async Task A_gzip_body_is_accepted()
    {
        var trace = NewTraceId();
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            Request([MiniCall(trace)]).WriteTo(gzip);
        }

        var response = await PostRawAsync(compressed.ToArray(), "application/x-protobuf", gzip: true);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.SpansAsync(trace)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Resending_a_batch_changes_no_stored_value()
    {
        var trace = NewTraceId();
        var request = Request([MiniCall(trace), MiniCall(trace)]);
        (await fixture.PostProtobufAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var before = await fixture.SpansAsync(trace);

        (await fixture.PostProtobufAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = await fixture.SpansAsync(trace);
        after.Count.ShouldBe(2);
        Snapshot(after).ShouldBe(Snapshot(before));
    }

    [Fact]
    public async Task A_root_sent_in_a_later_request_attributes_the_children_sent_before_it()
    {
        var trace = NewTraceId();
        var root = NewSpanId();
        (await fixture.PostProtobufAsync(Request([MiniCall(trace, parent: root), MiniCall(trace, parent: root)]))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var rootSpan = Span(trace, root, null, "invoke_agent helper", Start.AddSeconds(-1), ("tollgate.team", "growth"), ("tollgate.feature", "digest"));
        (await fixture.PostProtobufAsync(Request([rootSpan]))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var spans = await fixture.SpansAsync(trace);
        spans.Count.ShouldBe(3);
        spans.ShouldAllBe(s => (string)s["team"]! == "growth" && (string)s["feature"]! == "digest");
    }

    [Fact]
    public async Task Bad_spans_are_reported_in_partial_success_and_the_good_ones_stored()
    {
        var trace = NewTraceId();
        var bad = MiniCall(trace);
        bad.SpanId = ByteString.CopyFrom(new byte[8]);

        var response = await fixture.PostProtobufAsync(Request([MiniCall(trace), bad]));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var partial = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess;
        partial.RejectedSpans.ShouldBe(1);
        partial.ErrorMessage.ShouldBe("1 span rejected: 1 with an invalid span id (must be 8 bytes, not all zero)");
        (await fixture.SpansAsync(trace)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_missing_or_unknown_key_gets_401()
    {
        using var anonymous = fixture.OtlpClient(key: null);
        using var wrong = fixture.OtlpClient(key: "tg_ingest_not-a-real-key-at-all");

        var missing = await anonymous.PostAsync(new Uri("/v1/traces", UriKind.Relative), Protobuf(Request([])));
        var unknown = await wrong.PostAsync(new Uri("/v1/traces", UriKind.Relative), Protobuf(Request([])));

        missing.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        RpcStatus.Parser.ParseFrom(await unknown.Content.ReadAsByteArrayAsync()).Message.ShouldContain("ingest key");
    }

    [Fact]
    public async Task The_key_may_come_in_an_x_api_key_header()
    {
        using var client = fixture.OtlpClient(key: null);
        client.DefaultRequestHeaders.Add("x-api-key", RunningApp.IngestKey);

        var response = await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), Protobuf(Request([MiniCall(NewTraceId())])));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_wrong_content_type_gets_415_naming_the_ones_accepted()
    {
        var response = await PostRawAsync("hello"u8.ToArray(), "text/plain");

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message
            .ShouldBe("content type 'text/plain' is not supported: send application/x-protobuf or application/json");
    }

    [Fact]
    public async Task Truncated_protobuf_gets_400_and_earlier_data_stays()
    {
        var earlier = NewTraceId();
        (await fixture.PostProtobufAsync(Request([MiniCall(earlier)]))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var bytes = Request([MiniCall(NewTraceId())]).ToByteArray();

        var response = await PostRawAsync(bytes[..(bytes.Length / 2)], "application/x-protobuf");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message.ShouldStartWith("the body is not a valid protobuf ExportTraceServiceRequest");
        (await fixture.SpansAsync(earlier)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Invalid_JSON_gets_400_in_JSON()
    {
        var response = await PostRawAsync("{\"resourceSpans\": [ {"u8.ToArray(), "application/json");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("not a valid OTLP/JSON ExportTraceServiceRequest");
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var response = await PostRawAsync(new byte[5 * 1024 * 1024], "application/x-protobuf");

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_gzip_bomb_gets_413_without_expanding_past_the_limit()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 1024; i++)
            {
                gzip.Write(zeros);
            }
        }

        compressed.Length.ShouldBeLessThan(2 * 1024 * 1024);

        var response = await PostRawAsync(compressed.ToArray(), "application/x-protobuf", gzip: true);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message.ShouldContain("after decompression");
    }

    [Fact]
    public async Task OTLP_logs_posted_to_the_traces_endpoint_store_nothing()
    {
        var logs = new ExportLogsServiceRequest();
        var scope = new ScopeLogs();
        scope.LogRecords.Add(new LogRecord { TimeUnixNano = Nanos(Start), Body = new AnyValue { StringValue = "a log line" } });
        logs.ResourceLogs.Add(new ResourceLogs { ScopeLogs = { scope } });
        var before = await fixture.App.Database.ScalarAsync<long>("SELECT count(*) FROM spans");

        var response = await PostRawAsync(logs.ToByteArray(), "application/x-protobuf");

        (await fixture.App.Database.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(before);
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.OK);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            // Protobuf cannot always tell the messages apart; then every "span" is refused for its ids.
            ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess.RejectedSpans.ShouldBe(1);
        }
    }

    [Fact]
    public async Task Metrics_and_logs_endpoints_answer_with_partial_success_not_404()
    {
        var metrics = new ExportMetricsServiceRequest();
        var metric = new Metric { Name = "requests", Sum = new Sum() };
        metric.Sum.DataPoints.Add(new NumberDataPoint());
        metric.Sum.DataPoints.Add(new NumberDataPoint());
        metrics.ResourceMetrics.Add(new ResourceMetrics { ScopeMetrics = { new ScopeMetrics { Metrics = { metric } } } });

        var response = await PostRawAsync(metrics.ToByteArray(), "application/x-protobuf", path: "/v1/metrics");
        var logs = await PostRawAsync("{}"u8.ToArray(), "application/json", path: "/v1/logs");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var partial = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess;
        partial.RejectedDataPoints.ShouldBe(2);
        partial.ErrorMessage.ShouldContain("traces only");
        logs.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logs.Content.ReadAsStringAsync()).ShouldBe("{}");
    }

    private static List<string> Snapshot(List<Dictionary<string, object?>> rows) =>
        rows.Select(r => string.Join("|", r.Select(c => c.Key + "=" + (c.Value is byte[] b ? Convert.ToHexString(b) : c.Value)))).Order().ToList();

    private static ByteArrayContent Protobuf(ExportTraceServiceRequest request)
    {
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private async Task<HttpResponseMessage> PostRawAsync(byte[] body, string contentType, bool gzip = false, string path = "/v1/traces")
    {
        using var client = fixture.OtlpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }
}
