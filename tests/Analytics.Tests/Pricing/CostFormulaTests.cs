using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class CostFormulaTests
{
    [Fact]
    public void Cache_reads_and_writes_are_billed_at_their_own_prices_and_taken_out_of_the_input()
    {
        var price = TestPrices.Make("anthropic", "m", input: 3m, output: 15m, cacheRead: 0.3m, cacheWrite: 3.75m);

        var cost = CostFormula.Compute(new TokenUsage(Input: 10_000, Output: 1_000, CacheRead: 4_000, CacheWrite: 2_000, Reasoning: null), price);

        // 4,000·3 + 4,000·0.3 + 2,000·3.75 + 1,000·15 = 12,000 + 1,200 + 7,500 + 15,000 = 35,700 per million.
        cost.ShouldBe(0.0357m);
    }

    [Fact]
    public void Reasoning_tokens_are_billed_at_the_reasoning_price_and_taken_out_of_the_output()
    {
        var price = TestPrices.Make("openai", "m", input: 1.25m, output: 10m, reasoning: 12m);

        var cost = CostFormula.Compute(new TokenUsage(2_000, 5_000, null, null, 3_000), price);

        // 2,000·1.25 + 2,000·10 + 3,000·12 = 2,500 + 20,000 + 36,000.
        cost.ShouldBe(0.0585m);
    }

    [Fact]
    public void Missing_cache_and_reasoning_prices_fall_back_to_the_input_and_output_prices()
    {
        var price = TestPrices.Make("openai", "m", input: 2m, output: 8m);

        var cost = CostFormula.Compute(new TokenUsage(1_000, 500, 400, 100, 200), price);

        // 500·2 + 400·2 + 100·2 + 300·8 + 200·8 = 1,000 + 800 + 200 + 2,400 + 1,600.
        cost.ShouldBe(0.006m);
    }

    [Fact]
    public void Missing_token_counts_count_as_zero()
    {
        var price = TestPrices.Make("openai", "m", input: 2.5m, output: 10m, cacheRead: 1.25m);

        CostFormula.Compute(new TokenUsage(1_000_000, null, null, null, null), price).ShouldBe(2.5m);
        CostFormula.Compute(new TokenUsage(null, 250_000, null, null, null), price).ShouldBe(2.5m);
        CostFormula.Compute(new TokenUsage(null, null, 1_000_000, null, null), price).ShouldBe(1.25m);
    }

    [Fact]
    public void More_cached_than_input_tokens_clamps_the_uncached_part_at_zero_instead_of_going_negative()
    {
        var price = TestPrices.Make("anthropic", "m", input: 2m, output: 10m, cacheRead: 0.5m);

        var cost = CostFormula.Compute(new TokenUsage(100, 0, 300, null, null), price);

        // Unclamped this would be −200·2 + 300·0.5 = −250 per million.
        cost.ShouldBe(0.00015m);
    }

    [Fact]
    public void More_reasoning_than_output_tokens_clamps_the_plain_output_at_zero()
    {
        var price = TestPrices.Make("openai", "m", input: 1m, output: 10m, reasoning: 20m);

        CostFormula.Compute(new TokenUsage(0, 100, null, null, 500), price).ShouldBe(0.01m);
    }

    [Fact]
    public void A_span_without_any_token_count_has_no_cost_but_reported_zeros_cost_zero()
    {
        var price = TestPrices.Make("openai", "m", input: 1m, output: 1m);

        new TokenUsage(null, null, null, null, null).HasUsage.ShouldBeFalse();
        CostFormula.Compute(default, price).ShouldBeNull();
        CostFormula.Compute(new TokenUsage(0, 0, null, null, null), price).ShouldBe(0m);
    }

    [Fact]
    public void Negative_counts_from_a_broken_client_count_as_zero()
    {
        var price = TestPrices.Make("openai", "m", input: 1m, output: 4m);

        CostFormula.Compute(new TokenUsage(-5_000, 1_000_000, null, null, null), price).ShouldBe(4m);
    }
}
