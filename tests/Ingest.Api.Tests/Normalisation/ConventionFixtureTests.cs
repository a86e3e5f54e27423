using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Normalisation;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Normalisation;

/// <summary>One fixture per instrumentation convention, each with the values it must normalise to.</summary>
public sealed class ConventionFixtureTests
{
    private static readonly DateTime Now = new(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Start = Now.AddMinutes(-5);

    private static SpanRecord NormaliseOne(IngestContext? context, (string, object)[] resource, params (string, object)[] attributes)
    {
        var rejections = new Rejections();
        var spans = new SpanNormaliser(new NormalisationLimits()).Normalise(
            Request([Span(NewTraceId(), NewSpanId(), null, "call", Start, attributes)], resource),
            context ?? new IngestContext(7, CaptureContent: false, Now, RetentionDays: 400),
            rejections);
        rejections.Rejected.ShouldBe(0);
        return spans.ShouldHaveSingleItem();
    }

    private static SpanRecord NormaliseOne(params (string, object)[] attributes) => NormaliseOne(null, [], attributes);

    [Fact]
    public void Current_OpenTelemetry_GenAI_names_normalise()
    {
        var span = NormaliseOne(
            ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.response.model", "gpt-4o-2024-08-06"), ("gen_ai.usage.input_tokens", 1000), ("gen_ai.usage.output_tokens", 200),
            ("gen_ai.usage.cache_read.input_tokens", 300), ("gen_ai.usage.cache_creation.input_tokens", 50),
            ("gen_ai.usage.reasoning.output_tokens", 80), ("gen_ai.agent.name", "planner"), ("gen_ai.conversation.id", "conv-1"),
            ("tollgate.team", "search"), ("tollgate.feature", "answers"), ("tollgate.customer", "acme"), ("user.id", "u-1"));

        span.ShouldSatisfyAllConditions(
            () => span.Operation.ShouldBe("chat"),
            () => span.IsInference.ShouldBeTrue(),
            () => span.Provider.ShouldBe("openai"),
            () => span.Model.ShouldBe("gpt-4o-2024-08-06"),
            () => span.InputTokens.ShouldBe(1000),
            () => span.OutputTokens.ShouldBe(200),
            () => span.CacheReadTokens.ShouldBe(300),
            () => span.CacheWriteTokens.ShouldBe(50),
            () => span.ReasoningTokens.ShouldBe(80),
            () => span.Agent.ShouldBe("planner"),
            () => span.SessionId.ShouldBe("conv-1"),
            () => span.UserId.ShouldBe("u-1"),
            () => (span.Team, span.Feature, span.Customer).ShouldBe(("search", "answers", "acme")),
            () => span.AttributionExplicit.ShouldBe(Attribution.Team | Attribution.Feature | Attribution.Customer),
            () => span.ProjectId.ShouldBe(7));
    }

    [Fact]
    public void Deprecated_GenAI_names_normalise()
    {
        var span = NormaliseOne(
            ("gen_ai.system", "anthropic"), ("gen_ai.request.model", "claude-haiku-4-5"), ("gen_ai.usage.prompt_tokens", 500),
            ("gen_ai.usage.completion_tokens", 40), ("gen_ai.usage.cache_read_input_tokens", 100),
            ("gen_ai.usage.cache_creation_input_tokens", 20), ("gen_ai.usage.reasoning_tokens", 10), ("gen_ai.usage.cost", 0.0123));

        (span.Provider, span.Model, span.InputTokens, span.OutputTokens).ShouldBe(("anthropic", "claude-haiku-4-5", 500L, 40L));
        (span.CacheReadTokens, span.CacheWriteTokens, span.ReasoningTokens).ShouldBe((100L, 20L, 10L));
        span.ProvidedCostUsd.ShouldBe(0.0123m);
    }

    [Fact]
    public void OpenInference_names_normalise()
    {
        var span = NormaliseOne(
            ("openinference.span.kind", "LLM"), ("llm.provider", "openai"), ("llm.model_name", "gpt-4o-mini"),
            ("llm.token_count.prompt", "900"), ("llm.token_count.completion", 120), ("llm.token_count.prompt_details.cache_read", 400),
            ("llm.token_count.completion_details.reasoning", 30), ("llm.cost.total", "0.0042"), ("session.id", "s-9"),
            ("input.value", "a prompt with personal data"), ("llm.input_messages.0.message.content", "hello"));

        (span.Operation, span.IsInference, span.Provider, span.Model).ShouldBe(("LLM", true, "openai", "gpt-4o-mini"));
        (span.InputTokens, span.OutputTokens, span.CacheReadTokens, span.ReasoningTokens).ShouldBe((900L, 120L, 400L, 30L));
        span.ProvidedCostUsd.ShouldBe(0.0042m);
        span.SessionId.ShouldBe("s-9");
        span.AttributesJson.ShouldBeNull();
    }

    [Fact]
    public void An_OpenInference_embedding_span_names_its_model_and_is_a_model_call()
    {
        var span = NormaliseOne(
            ("openinference.span.kind", "EMBEDDING"), ("embedding.model_name", "text-embedding-3-small"), ("llm.token_count.prompt", 1200),
            ("embedding.embeddings.0.embedding.text", "a document"));

        (span.Operation, span.IsInference, span.Model, span.InputTokens).ShouldBe(("EMBEDDING", true, "text-embedding-3-small", 1200L));
    }

    [Fact]
    public void A_provided_cost_in_another_currency_than_USD_is_ignored_with_a_warning()
    {
        var rejections = new Rejections();
        var spans = new SpanNormaliser(new NormalisationLimits()).Normalise(
            Request(
            [
                Span(NewTraceId(), NewSpanId(), null, "eur", Start, [("gen_ai.usage.cost.amount", 0.5), ("gen_ai.usage.cost.currency", "EUR")]),
                Span(NewTraceId(), NewSpanId(), null, "usd", Start, [("gen_ai.usage.cost.amount", 0.25), ("gen_ai.usage.cost.currency", "usd")]),
            ]),
            new IngestContext(1, false, Now, 400), rejections);

        (spans[0].ProvidedCostUsd, spans[1].ProvidedCostUsd).ShouldBe((null, 0.25m));
        rejections.Describe().ShouldBe("1 provided costs ignored for being in a currency other than USD (gen_ai.usage.cost.currency); those calls are priced from the catalogue");
    }

    [Fact]
    public void The_response_id_is_kept_to_bill_one_response_once()
    {
        var span = NormaliseOne(("gen_ai.operation.name", "chat"), ("gen_ai.response.id", "resp_abc"), ("gen_ai.usage.input_tokens", 10));

        span.ResponseId.ShouldBe("resp_abc");
        span.AttributesJson.ShouldBeNull();
    }

    [Fact]
    public void OpenLLMetry_names_normalise_with_association_properties()
    {
        var span = NormaliseOne(
            ("llm.request.type", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4.1-mini"),
            ("gen_ai.usage.prompt_tokens", 42), ("gen_ai.usage.completion_tokens", 7),
            ("traceloop.association.properties.team", "support"), ("traceloop.association.properties.feature", "triage"),
            ("traceloop.association.properties.customer", "globex"), ("traceloop.entity.input", "{\"messages\":[]}"));

        (span.Operation, span.IsInference, span.Model).ShouldBe(("chat", true, "gpt-4.1-mini"));
        (span.Team, span.Feature, span.Customer).ShouldBe(("support", "triage", "globex"));
        span.AttributesJson.ShouldBeNull();
    }

    [Fact]
    public void Langfuse_style_names_normalise()
    {
        var span = NormaliseOne(
            ("langfuse.observation.model.name", "gemini-2.5-flash"), ("gen_ai.usage.input_tokens", 10), ("gen_ai.usage.output_tokens", 5),
            ("langfuse.user.id", "lf-user"), ("langfuse.observation.input", "secret prompt"), ("langfuse.session.id", "kept as an attribute"));

        span.Model.ShouldBe("gemini-2.5-flash");
        span.UserId.ShouldBe("lf-user");
        span.AttributesJson.ShouldBe("{\"langfuse.session.id\":\"kept as an attribute\"}");
    }

    [Fact]
    public void Span_attributes_beat_resource_attributes_and_earlier_aliases_beat_later_ones()
    {
        var span = NormaliseOne(
            null,
            [("service.name", "checkout"), ("service.namespace", "payments"), ("tollgate.feature", "from-resource"), ("gen_ai.request.model", "resource-model")],
            ("gen_ai.request.model", "gpt-4o"), ("gen_ai.response.model", "gpt-4o-2024-11-20"), ("llm.model_name", "ignored"),
            ("traceloop.association.properties.feature", "from-span"));

        span.Service.ShouldBe("checkout");
        span.Team.ShouldBe("payments");
        span.Feature.ShouldBe("from-span");
        span.Model.ShouldBe("gpt-4o-2024-11-20");
    }

    [Fact]
    public void The_workflow_name_of_a_root_span_is_its_feature()
    {
        var span = NormaliseOne(("gen_ai.workflow.name", "nightly-digest"));

        span.Feature.ShouldBe("nightly-digest");
        span.AttributionExplicit.ShouldBe(Attribution.Feature);
    }

    [Fact]
    public void Orchestration_signals_are_read()
    {
        var span = NormaliseOne(("tollgate.route.decision", "small"), ("tollgate.route.tier", "small"), ("tollgate.cache.hit", true),
            ("tollgate.fallback", "true"), ("http.request.resend_count", 2));

        (span.RouteDecision, span.RouteTier, span.CacheHit, span.Fallback, span.RetryAttempt).ShouldBe(("small", "small", true, true, 2));
    }

    [Fact]
    public void Prompt_content_is_kept_capped_when_the_project_captures_content()
    {
        var context = new IngestContext(1, CaptureContent: true, Now, 400);

        var span = NormaliseOne(context, [], ("gen_ai.input.messages", new string('x', 20_000)));

        span.AttributesJson.ShouldNotBeNull();
        span.AttributesJson.Length.ShouldBeLessThan(17_000);
        span.AttributesJson.ShouldContain("…[truncated]");
    }

    [Fact]
    public void A_span_with_a_hundred_thousand_attributes_keeps_a_bounded_number_and_says_so()
    {
        var attributes = Enumerable.Range(0, 100_000).Select(i => ($"custom.{i}", (object)i)).Prepend(("gen_ai.usage.input_tokens", (object)5)).ToArray();
        var rejections = new Rejections();

        var span = new SpanNormaliser(new NormalisationLimits()).Normalise(
            Request([Span(NewTraceId(), NewSpanId(), null, "wide", Start, attributes)]), new IngestContext(1, false, Now, 400), rejections).Single();

        span.InputTokens.ShouldBe(5);
        System.Text.Json.JsonDocument.Parse(span.AttributesJson!).RootElement.EnumerateObject().Count().ShouldBe(128);
        rejections.Describe().ShouldBe("99872 attributes dropped over the limit of 128 per span");
    }

    [Fact]
    public void A_ten_megabyte_attribute_value_is_cut_to_the_limit()
    {
        var span = NormaliseOne(("custom.blob", new string('y', 10 * 1024 * 1024)));

        span.AttributesJson!.Length.ShouldBeLessThan(4200);
    }

    [Fact]
    public void Each_bad_span_is_rejected_with_its_reason_and_the_others_kept()
    {
        var trace = NewTraceId();
        var good = Span(trace, NewSpanId(), null, "good", Start);
        var zeroTrace = Span(new byte[16], NewSpanId(), null, "zero trace", Start);
        var shortSpan = Span(trace, [1, 2, 3], null, "short span id", Start);
        var noStart = Span(trace, NewSpanId(), null, "no start", Start);
        noStart.StartTimeUnixNano = 0;
        var backwards = Span(trace, NewSpanId(), null, "backwards", Start);
        backwards.EndTimeUnixNano = backwards.StartTimeUnixNano - 1;
        var ancient = Span(trace, NewSpanId(), null, "ancient", Now.AddDays(-500));
        var rejections = new Rejections();

        var spans = new SpanNormaliser(new NormalisationLimits()).Normalise(
            Request([good, zeroTrace, shortSpan, noStart, backwards, ancient]), new IngestContext(1, false, Now, 400), rejections);

        spans.ShouldHaveSingleItem().Name.ShouldBe("good");
        rejections.Rejected.ShouldBe(5);
        rejections.Describe().ShouldBe("5 spans rejected: 1 ending before they start, 1 older than the retention period, "
            + "1 with an invalid span id (must be 8 bytes, not all zero), 1 with an invalid trace id (must be 16 bytes, not all zero), 1 with no start time");
    }

    [Fact]
    public void Negative_or_non_numeric_token_counts_are_ignored_with_a_warning()
    {
        var rejections = new Rejections();
        var span = new SpanNormaliser(new NormalisationLimits()).Normalise(
            Request([Span(NewTraceId(), NewSpanId(), null, "odd", Start, ("gen_ai.usage.input_tokens", -5), ("gen_ai.usage.output_tokens", "many"))]),
            new IngestContext(1, false, Now, 400), rejections).Single();

        (span.InputTokens, span.OutputTokens).ShouldBe((null, null));
        rejections.Describe().ShouldContain("token counts ignored");
    }
}
