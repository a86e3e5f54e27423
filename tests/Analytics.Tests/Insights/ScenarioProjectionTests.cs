using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Scenarios;

namespace Tollgate.Analytics.Tests.Insights;

public sealed class ScenarioProjectionTests
{
    // answers: 100 requests, 20 from cache, $10 cost (frontier 40 calls $8, small 40 calls $2), $40 revenue.
    // triage: 50 requests, none cached, $5 cost (small 20 calls $1, mid 10 calls $4), no revenue.
    // Organisation cost per call: frontier 8/40 = 0.2, small (2+1)/(40+20) = 0.05, mid 4/10 = 0.4.
    private static readonly OrganisationFigures Baseline = new()
    {
        Window = new QueryWindow(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc)),
        Features = [new("answers", 100, 20, 10m, 40m), new("triage", 50, 0, 5m, 0m)],
        Cells =
        [
            new("answers", "openai/gpt-4o", "frontier", 40, 8m),
            new("answers", "openai/gpt-4o-mini", "small", 40, 2m),
            new("triage", "openai/gpt-4o-mini", "small", 20, 1m),
            new("triage", "mistral/mistral-medium", "mid", 10, 4m),
        ],
    };

    [Fact]
    public void Volume_scales_cost_and_revenue_linearly()
    {
        var result = ScenarioProjection.Project(Baseline, new Scenario(VolumeMultiplier: 10m));

        var answers = result.Rows[0];
        answers.ShouldBe(new ScenarioRow("answers", 10m, 40m, 30m, 0.75m, 100m, 400m, 300m, 0.75m));
        result.Rows[1].ShouldBe(new ScenarioRow("triage", 5m, 0m, -5m, null, 50m, 0m, -50m, null));
        // Totals: cost 15 → 150, revenue 40 → 400, margin 25 → 250, margin % 25/40 = 0.625.
        result.Total.ShouldBe(new ScenarioRow(null, 15m, 40m, 25m, 0.625m, 150m, 400m, 250m, 0.625m));
    }

    [Fact]
    public void A_new_tier_mix_reweights_each_features_cost_by_the_tier_costs_per_call()
    {
        var result = ScenarioProjection.Project(Baseline, new Scenario(SmallShare: 0.5m, MidShare: 0.25m, FrontierShare: 0.25m));

        // Planned cost per call: 0.5·0.05 + 0.25·0.4 + 0.25·0.2 = 0.175.
        // answers today: 0.5·0.2 + 0.5·0.05 = 0.125 → 10 · 0.175 / 0.125 = 14.
        // triage today: (2/3)·0.05 + (1/3)·0.4 = 1/6 → 5 · 0.175 · 6 = 5.25.
        result.Rows.Select(r => r.ProjectedCostUsd).ShouldBe([14m, 5.25m]);
        result.Total.ProjectedCostUsd.ShouldBe(19.25m);
        // answers margin 40 − 14 = 26, 26 / 40 = 0.65.
        result.Rows[0].ProjectedMarginPct.ShouldBe(0.65m);
    }

    [Fact]
    public void More_cache_hits_remove_that_share_of_the_uncached_requests_cost()
    {
        var result = ScenarioProjection.Project(Baseline, new Scenario(CacheHitRateDelta: 0.2m));

        // answers: hit rate 0.2 → 0.4, cost · (1 − 0.4) / (1 − 0.2) = 10 · 0.75 = 7.5.
        // triage: 0 → 0.2, cost · 0.8 = 4.
        result.Rows.Select(r => r.ProjectedCostUsd).ShouldBe([7.5m, 4m]);
    }

    [Fact]
    public void A_model_price_change_scales_that_models_cost_and_the_tier_costs_used_for_a_new_mix()
    {
        var cheaper = new ModelPriceChange("gpt-4o", 0.5m);

        var alone = ScenarioProjection.Project(Baseline, new Scenario(ModelPriceChanges: [cheaper]));
        var withMix = ScenarioProjection.Project(Baseline, new Scenario(SmallShare: 0.5m, MidShare: 0.25m, FrontierShare: 0.25m, ModelPriceChanges: [cheaper]));

        // answers: 8 · 0.5 + 2 = 6; triage has no gpt-4o calls.
        alone.Rows.Select(r => r.ProjectedCostUsd).ShouldBe([6m, 5m]);
        // Frontier per call becomes 4/40 = 0.1. answers today: 0.5·0.1 + 0.5·0.05 = 0.075;
        // planned 0.5·0.05 + 0.25·0.4 + 0.25·0.1 = 0.15 → 6 · 0.15 / 0.075 = 12.
        withMix.Rows[0].ProjectedCostUsd.ShouldBe(12m);
    }

    [Fact]
    public void A_tier_without_calls_is_costed_from_catalogue_price_ratios()
    {
        CostCell[] cells = [new("answers", "openai/gpt-4o-mini", "small", 10, 1m)];
        var catalogue = new Dictionary<string, decimal> { ["small"] = 1m, ["mid"] = 4m, ["frontier"] = 20m };

        var perCall = TierCosts.PerCall(cells, catalogue);

        // small measured 1/10 = 0.1; mid 0.1 · 4/1 = 0.4; frontier 0.1 · 20/1 = 2.
        perCall["small"].ShouldBe(0.1m);
        perCall["mid"].ShouldBe(0.4m);
        perCall["frontier"].ShouldBe(2m);
    }

    [Theory]
    [InlineData(0, null, null, null, 0, "volumeMultiplier must be above 0 and at most 1000000")]
    [InlineData(1, 0.5, null, null, 0, "give smallShare, midShare and frontierShare together, or none of them")]
    [InlineData(1, 0.5, 0.5, 0.5, 0, "smallShare, midShare and frontierShare must each be 0..1 and add up to 1")]
    [InlineData(1, null, null, null, 1.5, "cacheHitRateDelta must be between -1 and 1 (a change of the hit rate, e.g. 0.2 for 20 points more)")]
    public void An_impossible_scenario_is_refused_with_the_reason(double volume, double? small, double? mid, double? frontier, double cache, string problem) =>
        new Scenario((decimal)volume, (decimal?)small, (decimal?)mid, (decimal?)frontier, (decimal)cache).Problem().ShouldBe(problem);
}
