using System.Net;
using System.Text;
using Tollgate.Ingest.Api.Otlp.Proto;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Otlp;

/// <summary>
/// Values PostgreSQL cannot store (NUL characters, amounts past its numeric columns) are cleaned
/// or refused before the write, so that they never fail anybody else's spans in the same commit.
/// </summary>
[Collection(IngestCollection.Name)]
public sealed class PoisonValueTests(IngestFixture fixture)
{
    private static DateTime Start => DateTime.UtcNow.AddSeconds(-5);

    private static ExportTraceServiceRequest WithNulEverywhere(byte[] trace) => Request(
        [Span(trace, NewSpanId(), null, "chat\0gpt", Start,
            ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.system", "openai"), ("tollgate.team", "se\0arch"),
            ("app.no\0te", "a\0b"), ("gen_ai.usage.input_tokens", 1000))],
        ("service.name", "check\0out"));

    private static async Task<HttpResponseMessage> PostJsonAsync(IngestFixture fixture, string json)
    {
        using var client = fixture.OtlpClient();
        return await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task NUL_characters_in_names_labels_and_attributes_are_stored_as_replacement_characters()
    {
        var trace = NewTraceId();

        var response = await fixture.PostProtobufAsync(WithNulEverywhere(trace));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var partial = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess;
        partial.RejectedSpans.ShouldBe(0);
        partial.ErrorMessage.ShouldContain("NUL characters replaced with U+FFFD");
        var span = (await fixture.SpansAsync(trace)).Single();
        span["name"].ShouldBe("chat\uFFFDgpt");
        span["service"].ShouldBe("check\uFFFDout");
        span["team"].ShouldBe("se\uFFFDarch");
        ((string)span["attributes"]!).ShouldContain("\"app.no\uFFFDte\":\"a\uFFFDb\"");
        // Cleaned names are still priced: 1,000 input tokens of gpt-4o-mini.
        span["computed_cost_usd"].ShouldBe(1000 * IngestFixture.MiniIn / 1_000_000m);
    }

    [Fact]
    public async Task An_escaped_NUL_in_OTLP_JSON_is_cleaned_the_same_way()
    {
        var trace = Convert.ToHexString(NewTraceId()).ToLowerInvariant();
        var span = Convert.ToHexString(NewSpanId()).ToLowerInvariant();
        var start = Nanos(Start);
        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api\u0000gw"}}]},
              "scopeSpans":[{"spans":[{"traceId":"{{{trace}}}","spanId":"{{{span}}}","name":"step\u0000one",
                "startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{start + 1_000_000}}}",
                "attributes":[{"key":"k\u0000","value":{"stringValue":"\u0000"}}]}]}]}]}
            """;

        var response = await PostJsonAsync(fixture, json);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = (await fixture.SpansAsync(Convert.FromHexString(trace))).Single();
        stored["name"].ShouldBe("step\uFFFDone");
        stored["service"].ShouldBe("api\uFFFDgw");
        ((string)stored["attributes"]!).ShouldContain("\"k\uFFFD\":\"\uFFFD\"");
    }

    [Fact]
    public async Task Senders_of_NUL_characters_never_fail_the_valid_requests_committed_beside_theirs()
    {
        var poisoned = Enumerable.Range(0, 12).Select(_ => NewTraceId()).ToList();
        var valid = Enumerable.Range(0, 24).Select(_ => NewTraceId()).ToList();

        var responses = await Task.WhenAll(
            poisoned.Select(t => fixture.PostProtobufAsync(WithNulEverywhere(t)))
                .Concat(valid.Select(t => fixture.PostProtobufAsync(Request([Span(t, NewSpanId(), null, "chat", Start, ("gen_ai.usage.input_tokens", 5))])))));

        responses.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.OK);
        foreach (var trace in poisoned.Concat(valid))
        {
            (await fixture.SpansAsync(trace)).Count.ShouldBe(1);
        }
    }

    [Theory]
    [InlineData(5_000_000_000_000_000L)]
    [InlineData(long.MaxValue)]
    public async Task A_token_count_no_call_could_use_is_ignored_and_the_span_stored_without_a_cost(long tokens)
    {
        var trace = NewTraceId();

        var response = await fixture.PostProtobufAsync(Request([Span(trace, NewSpanId(), null, "chat", Start,
            ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.system", "openai"), ("gen_ai.usage.input_tokens", tokens), ("gen_ai.usage.output_tokens", 10))]));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess.ErrorMessage
            .ShouldContain("token counts ignored for being over ten billion");
        var span = (await fixture.SpansAsync(trace)).Single();
        span["input_tokens"].ShouldBeNull();
        // Only the 10 output tokens are priced.
        span["computed_cost_usd"].ShouldBe(10 * IngestFixture.MiniOut / 1_000_000m);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-5L)]
    public async Task A_provided_cost_out_of_range_is_ignored_with_a_warning(long amount)
    {
        var trace = NewTraceId();

        var response = await fixture.PostProtobufAsync(Request([Span(trace, NewSpanId(), null, "chat", Start, ("gen_ai.usage.cost", amount))]));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess.ErrorMessage
            .ShouldContain("provided costs ignored");
        (await fixture.SpansAsync(trace)).Single()["provided_cost_usd"].ShouldBeNull();
    }
}
