using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Spooling;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Spooling;

public sealed class SpanRecordCodecTests
{
    [Fact]
    public void A_span_leaves_the_spool_with_every_value_it_entered_with()
    {
        var start = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        var span = TestSpans.Chat(7, 1, 2, 1, "gateway", start, "openai", "gpt-4o-mini", cost: null);
        span.InputTokens = 1200;
        span.OutputTokens = 300;
        span.CacheReadTokens = 200;
        span.ReasoningTokens = 0;
        span.ProvidedCostUsd = 0.0012345678m;
        span.ComputedCostUsd = 0.00042m;
        span.CostSource = "provided";
        span.PriceId = 42;
        span.StatusMessage = "ok ✓";
        span.UserId = "u-1";
        span.SessionId = "s-1";
        span.Agent = "support-bot";
        span.Tool = "search";
        span.CacheHit = true;
        span.RouteDecision = "cheap";
        span.RouteTier = "small";
        span.Fallback = true;
        span.RetryAttempt = 2;
        span.AttributesJson = """{"k":"v"}""";
        span.ResponseId = "resp-1";
        span.Team = "search";
        span.AttributionExplicit = Attribution.Team;

        var decoded = SpanRecordCodec.Decode(SpanRecordCodec.Encode([span])).ShouldHaveSingleItem();

        decoded.ShouldBeEquivalentTo(span);
    }

    [Fact]
    public void Attribution_a_span_inherited_is_not_kept_so_the_writer_resolves_it_again()
    {
        var span = TestSpans.Root(1, 1, 1, "gateway", DateTime.UtcNow);
        span.Team = "inherited-team";
        span.Feature = "own-feature";
        span.AttributionExplicit = Attribution.Feature;
        span.Billing = true;

        var decoded = SpanRecordCodec.Decode(SpanRecordCodec.Encode([span])).ShouldHaveSingleItem();

        decoded.Team.ShouldBeNull();
        decoded.Feature.ShouldBe("own-feature");
        decoded.Billing.ShouldBeFalse();
    }

    [Fact]
    public void Bytes_that_are_not_a_record_are_refused_rather_than_misread()
    {
        var bytes = SpanRecordCodec.Encode([TestSpans.Root(1, 1, 1, "gateway", DateTime.UtcNow)]);

        Should.Throw<InvalidDataException>(() => SpanRecordCodec.Decode(bytes.AsMemory(0, bytes.Length - 3)));
        bytes[0] = 99;
        Should.Throw<InvalidDataException>(() => SpanRecordCodec.Decode(bytes));
    }
}
