namespace Tollgate.Ingest.Api.Tests.Interop;

/// <summary>
/// The GenAI trace both interoperability programs send (tests/Interop/js/send-spans.mjs and
/// the .NET test): an agent root with a gpt-4o-mini call and a claude-haiku-4-5 call.
/// </summary>
internal static class ExpectedSpans
{
    // (1200 - 200) * 0.15 + 200 * 0.075 + 300 * 0.60 = 345 per million tokens.
    public const decimal MiniCost = 0.000345m;

    // (800 - 100) * 1.00 + 100 * 1.25 + (150 - 50) * 5.00 + 50 * 5.00 (reasoning at the output price) = 1575 per million.
    public const decimal HaikuCost = 0.001575m;

    public static void ShouldMatch(List<Dictionary<string, object?>> spans, string team, string feature, string customer)
    {
        spans.Count.ShouldBe(3);
        var mini = spans.Single(s => (string?)s["model"] == "gpt-4o-mini-2024-07-18");
        var haiku = spans.Single(s => (string?)s["model"] == "claude-haiku-4-5");
        var root = spans.Single(s => s["parent_span_id"] is null);

        mini.ShouldSatisfyAllConditions(
            () => mini["input_tokens"].ShouldBe(1200L),
            () => mini["output_tokens"].ShouldBe(300L),
            () => mini["cache_read_tokens"].ShouldBe(200L),
            () => mini["provider"].ShouldBe("openai"),
            () => mini["computed_cost_usd"].ShouldBe(MiniCost),
            () => mini["billing"].ShouldBe(true));
        haiku.ShouldSatisfyAllConditions(
            () => haiku["input_tokens"].ShouldBe(800L),
            () => haiku["output_tokens"].ShouldBe(150L),
            () => haiku["reasoning_tokens"].ShouldBe(50L),
            () => haiku["cache_write_tokens"].ShouldBe(100L),
            () => haiku["computed_cost_usd"].ShouldBe(HaikuCost),
            () => haiku["billing"].ShouldBe(true));
        root["billing"].ShouldBe(false);
        root["agent"].ShouldBe("support-bot");
        spans.ShouldAllBe(s => (string?)s["team"] == team && (string?)s["feature"] == feature && (string?)s["customer"] == customer);
    }
}
