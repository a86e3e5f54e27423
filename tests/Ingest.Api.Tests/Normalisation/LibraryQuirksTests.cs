using Google.Protobuf;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Otlp.Proto;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Normalisation;

/// <summary>The quirks table corrects the libraries it names, and only them.</summary>
public sealed class LibraryQuirksTests
{
    private static readonly DateTime Now = DateTime.UtcNow;
    private static readonly IngestContext Context = new(1, CaptureContent: false, Now, 400);

    // What @traceloop/instrumentation-anthropic 0.27.0 sent for a call with 1,000 uncached input
    // tokens, 200 cache reads and 100 cache writes (seen in the interoperability test).
    private static readonly (string, object)[] AnthropicUsage =
    [
        ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "anthropic"), ("gen_ai.request.model", "claude-haiku-4-5"),
        ("gen_ai.usage.input_tokens", 1000), ("gen_ai.usage.cache_read.input_tokens", 200),
        ("gen_ai.usage.cache_creation.input_tokens", 100), ("gen_ai.usage.output_tokens", 300),
    ];

    private static Analytics.Spans.SpanRecord NormaliseFromScope(string scope, params (string, object)[] attributes)
    {
        var request = Request([Span(NewTraceId(), NewSpanId(), null, "chat claude-haiku-4-5", Now.AddMinutes(-1), attributes)]);
        request.ResourceSpans[0].ScopeSpans[0].Scope = new InstrumentationScope { Name = scope, Version = "0.27.0" };
        return new SpanNormaliser(new NormalisationLimits()).Normalise(request.ToByteArray(), Context, new Rejections()).ShouldHaveSingleItem();
    }

    [Fact]
    public void OpenLLMetry_anthropic_input_gains_the_cache_tokens_the_conventions_count_in_it()
    {
        var span = NormaliseFromScope("@traceloop/instrumentation-anthropic", AnthropicUsage);

        span.InputTokens.ShouldBe(1300);
        span.CacheReadTokens.ShouldBe(200);
        span.CacheWriteTokens.ShouldBe(100);
    }

    [Fact]
    public void Another_scope_with_the_same_attributes_is_taken_as_the_conventions_say()
    {
        NormaliseFromScope("com.anthropic.sdk.typescript", AnthropicUsage).InputTokens.ShouldBe(1000);
        NormaliseFromScope("@traceloop/instrumentation-openai", AnthropicUsage).InputTokens.ShouldBe(1000);
    }

    [Fact]
    public void A_span_without_input_tokens_is_left_without_them()
    {
        NormaliseFromScope("@traceloop/instrumentation-anthropic", ("gen_ai.operation.name", "chat"), ("gen_ai.usage.cache_read.input_tokens", 200))
            .InputTokens.ShouldBeNull();
    }

    [Fact]
    public void The_scope_is_found_when_it_follows_the_spans_on_the_wire()
    {
        var span = Span(NewTraceId(), NewSpanId(), null, "chat", Now.AddMinutes(-1), AnthropicUsage);
        // ScopeSpans with field 2 (spans) before field 1 (scope).
        var scopeSpans = Concat(Field(2, span.ToByteArray()), Field(1, new InstrumentationScope { Name = "@traceloop/instrumentation-anthropic" }.ToByteArray()));
        var bytes = Field(1, Field(2, scopeSpans));

        new SpanNormaliser(new NormalisationLimits()).Normalise(bytes, Context, new Rejections()).ShouldHaveSingleItem().InputTokens.ShouldBe(1300);
    }
}
