using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Tests.Pricing;
using static Tollgate.Analytics.Tests.Rollups.RollupFixture;

namespace Tollgate.Analytics.Tests.Rollups;

public sealed class RollupTests : IAsyncLifetime
{
    private RollupFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await RollupFixture.CreateAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task The_summary_of_the_fixture_hour_matches_the_hand_computed_figures()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();

        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter());

        // A 0.006 + B 0.0057 + C 0 + D 0.0003; the agent span's 0.009 is not billed.
        summary.CostUsd.ShouldBe(0.012m);
        summary.Requests.ShouldBe(4);
        // 0.012 / 4 requests
        summary.CostPerRequestUsd.ShouldBe(0.003m);
        summary.RevenueUsd.ShouldBeNull();
        summary.CogsToRevenue.ShouldBeNull();
        // One request each of four: A routed, C cached, B fell back, D retried.
        summary.RoutingCoverage.ShouldBe(0.25);
        summary.CacheHitRate.ShouldBe(0.25);
        summary.FallbackRate.ShouldBe(0.25);
        summary.RetryRate.ShouldBe(0.25);
        // Six billing calls: five on small-model, B's errored call on big-model (frontier).
        summary.TierMix.ShouldBe(new TierMix(5 / 6.0, 0, 1 / 6.0));
        // A, the one routed request, is routed to the small model its calls use.
        summary.RoutedTierMix.ShouldBe(new TierMix(1, 0, 0));
    }

    [Fact]
    public async Task The_routers_choice_is_counted_over_routed_requests_whatever_else_the_request_calls()
    {
        // 1: the router sends the request to the frontier tier; two guardrail checks on the small model run beside the call.
        var decision = Root(1, 1, "search", "answers", "acme", routed: true);
        decision.RouteTier = "frontier";
        // 2: routed without naming a tier: the call under the decision (small) is the choice.
        // 3: not routed, a frontier call: in the call mix only.
        await _fixture.Writer.WriteAsync(
        [
            decision, Call(1, 2, parent: 1, _fixture.Big, input: 1000, output: 100, offsetSeconds: 1),
            Call(1, 3, parent: 1, _fixture.Small, input: 100, output: 10, offsetSeconds: 2), Call(1, 4, parent: 1, _fixture.Small, input: 100, output: 10, offsetSeconds: 3),
            Root(2, 1, "search", "answers", "acme", routed: true), Call(2, 2, parent: 1, _fixture.Small, input: 100, output: 10, offsetSeconds: 1),
            Root(3, 1, "search", "answers", "acme"), Call(3, 2, parent: 1, _fixture.Big, input: 100, output: 10, offsetSeconds: 1),
        ]);
        await _fixture.RollUpAsync();

        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter());
        var answers = (await new FeaturePnlQuery(_fixture.DataSource).GetAsync(TheHour)).Rows.Single(r => r.Feature == "answers");

        // Calls: the decision span itself (frontier by its route tier, no model) is not billed; 3 small and 2 frontier calls.
        summary.TierMix.ShouldBe(new TierMix(3 / 5.0, 0, 2 / 5.0));
        summary.RoutedTierMix.ShouldBe(new TierMix(0.5, 0, 0.5));
        (answers.TierMix, answers.RoutedTierMix).ShouldBe((summary.TierMix, summary.RoutedTierMix));
    }

    [Fact]
    public async Task A_route_tier_naming_a_tier_overrides_the_catalogue_and_a_routers_own_label_does_not_hide_the_call()
    {
        var overridden = Call(1, 3, parent: 1, _fixture.Small, input: 1000, output: 500, offsetSeconds: 1);
        overridden.RouteTier = " Frontier ";
        var ownLabel = Call(1, 4, parent: 1, _fixture.Small, input: 1000, output: 500, offsetSeconds: 2);
        ownLabel.RouteTier = "premium";
        var unpriced = Call(1, 5, parent: 1, _fixture.Small, input: 1000, output: 500, offsetSeconds: 3);
        unpriced.RouteTier = "mid";
        (unpriced.Model, unpriced.PriceId, unpriced.ComputedCostUsd) = ("unknown-model", null, null);
        await _fixture.Writer.WriteAsync([Root(1, 1, "search", "answers", "acme"), overridden, ownLabel, unpriced]);
        await _fixture.RollUpAsync();

        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter());

        // frontier (overridden), small (premium is no tier: small-model's catalogue tier), mid (overridden; no price).
        summary.TierMix.ShouldBe(new TierMix(1 / 3.0, 1 / 3.0, 1 / 3.0));
    }

    [Fact]
    public async Task Spend_by_team_counts_each_call_and_request_once_and_its_tokens_exactly()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();

        var spend = await new SpendQuery(_fixture.DataSource).GetAsync(TheHour, "team");

        spend.TotalCostUsd.ShouldBe(0.012m);
        // search: A + B = 0.0117, 2 requests, 4 calls, input 1000+2000+500+500, output 500+1000+0+100.
        spend.Rows[0].ShouldBe(new SpendRow("search", 0.0117m, 2, 4, 4000, 1600, 0, 0, 0));
        // support: C (no call) + D = 0.0003, 2 requests, 2 calls, input 100+100, output 0+50.
        spend.Rows[1].ShouldBe(new SpendRow("support", 0.0003m, 2, 2, 200, 50, 0, 0, 0));
        spend.Rows.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Spend_by_model_and_by_user_follow_the_calls()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();
        var spend = new SpendQuery(_fixture.DataSource);

        var byModel = await spend.GetAsync(TheHour, "model");
        var byUser = await spend.GetAsync(TheHour, "user");

        // small-model: 0.002 + 0.004 + 0.0007 + 0.0001 + 0.0002 = 0.007 in A, B, D; big-model: 0.005 in B.
        byModel.Rows.ShouldBe([new SpendRow("small-model", 0.007m, 3, 5, 3700, 1650, 0, 0, 0), new SpendRow("big-model", 0.005m, 1, 1, 500, 0, 0, 0, 0)]);
        // u1 is set on A's root only; its calls inherit no user, so u1 has A's request but no call.
        byUser.Rows.ShouldBe([new SpendRow(null, 0.012m, 3, 6, 4200, 1650, 0, 0, 0), new SpendRow("u1", 0m, 1, 0, 0, 0, 0, 0, 0)]);
    }

    [Fact]
    public async Task A_retried_export_of_the_same_spans_changes_no_figure()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();
        var before = await _fixture.DumpRollupsAsync();

        await _fixture.Writer.WriteAsync([.. _fixture.TraceA(), .. _fixture.TraceB()]);
        await _fixture.RollUpAsync();

        (await _fixture.DumpRollupsAsync()).ShouldBe(before);
        (await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter())).CostUsd.ShouldBe(0.012m);
    }

    [Fact]
    public async Task Recomputing_a_window_yields_identical_rows()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();
        var first = await _fixture.DumpRollupsAsync();

        await _fixture.Rollups.RecomputeAsync(Hour.AddHours(-3), Hour.AddHours(3));

        var second = await _fixture.DumpRollupsAsync();
        second.ShouldBe(first);
        second.ShouldContain("small-model");
    }

    [Fact]
    public async Task A_late_span_corrects_the_hour_that_was_already_rolled_up()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();

        // D's third attempt arrives after the hour was rolled up: 1000 in + 1000 out on small-model = 0.003.
        await _fixture.Writer.WriteAsync([Call(4, 9, parent: 1, _fixture.Small, input: 1000, output: 1000, offsetSeconds: 4)]);
        var result = await _fixture.RollUpAsync();

        result.Hours.ShouldBeGreaterThan(0);
        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter(Team: "support"));
        // D: 0.0003 + 0.003; C: 0; still two requests.
        summary.CostUsd.ShouldBe(0.0033m);
        summary.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task A_late_span_hours_after_its_hour_lands_in_its_own_hour()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();
        var earlier = Hour.AddHours(-5);

        await _fixture.Writer.WriteAsync([Call(9, 1, parent: null, _fixture.Big, input: 1000, output: 0, offsetSeconds: 10, hour: earlier)]);
        await _fixture.RollUpAsync();

        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(QueryWindow.Create(earlier, earlier.AddHours(1)), new SummaryFilter());
        // 1000 in × 10 per million = 0.01, one request without attribution.
        summary.CostUsd.ShouldBe(0.01m);
        summary.Requests.ShouldBe(1);
        (await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter())).CostUsd.ShouldBe(0.012m);
    }

    [Fact]
    public async Task A_re_priced_span_corrects_its_hour()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();

        // small-model now costs 2 in, 4 out from 1 November: every small-model call costs twice as much.
        var doubled = TestPrices.Make("testco", "small-model", 2m, 4m, new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), PriceOrigins.Custom);
        doubled.Tier = PriceTiers.Small;
        await _fixture.Prices.AddAsync(doubled, "test");
        await new RepricingService(_fixture.DataSource, _fixture.Prices, NullLogger<RepricingService>.Instance)
            .RunAsync(Hour.AddDays(-1), Hour.AddDays(1), "test");
        await _fixture.RollUpAsync();

        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter());
        // small-model 0.007 × 2 = 0.014, big-model unchanged 0.005.
        summary.CostUsd.ShouldBe(0.019m);
    }

    [Fact]
    public async Task Feature_pnl_prorates_revenue_to_the_window()
    {
        await _fixture.WriteAllAsync();
        // 24 USD over the whole day: 1 USD for the one hour asked.
        await _fixture.Database.ExecuteAsync(
            "INSERT INTO revenue (project_id, feature, period_start, period_end, amount_usd, created_by) VALUES (1, 'answers', '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z', 24, 'test')");
        await _fixture.RollUpAsync();

        var pnl = await new FeaturePnlQuery(_fixture.DataSource).GetAsync(TheHour);

        var answers = pnl.Rows.Single(r => r.Feature == "answers");
        answers.RevenueUsd.ShouldBe(1m);
        answers.CostUsd.ShouldBe(0.0117m);
        // 1 − 0.0117
        answers.MarginUsd.ShouldBe(0.9883m);
        answers.MarginPct.ShouldBe(0.9883m);
        answers.Requests.ShouldBe(2);
        // 0.0117 / 2
        answers.CostPerRequestUsd.ShouldBe(0.00585m);
        answers.PreviousCostUsd.ShouldBe(0m);
        // The hour before (09:00-10:00) earns 1 USD too.
        answers.PreviousRevenueUsd.ShouldBe(1m);
        var triage = pnl.Rows.Single(r => r.Feature == "triage");
        triage.RevenueUsd.ShouldBe(0m);
        triage.MarginUsd.ShouldBe(-0.0003m);
        triage.MarginPct.ShouldBeNull();
        (await new SummaryQuery(_fixture.DataSource).GetAsync(TheHour, new SummaryFilter(Feature: "answers"))).CogsToRevenue.ShouldBe(0.0117m);
    }

    [Fact]
    public async Task Orchestration_lists_savings_chains_and_latency()
    {
        await _fixture.WriteAllAsync();
        await _fixture.RollUpAsync();

        var report = await new OrchestrationQuery(_fixture.DataSource, _fixture.Prices, TimeProvider.System).GetAsync(TheHour);

        // Only trace A was routed: its small-model calls, 3000 in / 1500 out, at big-model prices are
        // 3000×10 + 1500×30 = 75000 per million = 0.075, against 3000×1 + 1500×2 = 0.006 as priced.
        // B and D were not routed: their calls save nothing by routing.
        report.RoutingSavings.FrontierCostUsd.ShouldBe(0.075m);
        report.RoutingSavings.ActualCostUsd.ShouldBe(0.006m);
        report.RoutingSavings.SavingsUsd.ShouldBe(0.069m);
        report.RoutingSavings.Providers.Single().FrontierModel.ShouldBe("big-model");
        // triage: 1 cache hit × (0.0003 uncached cost / 1 uncached request) − 0 spent on the hit.
        report.EstimatedCacheSavingsUsd.ShouldBe(0.0003m);
        report.FallbackChains.ShouldBe([new FallbackChain("fallback", "big-model", "small-model", 1), new FallbackChain("retry", "small-model", "small-model", 1)]);
        // Every call lasts 1000 ms: bucket [2^9.75, 2^10) ms, reported as 1024. Every request lasts 5000 ms: 2^12.5 ≈ 5793.
        report.LatencyByModel.ShouldContain(new LatencyRow("small-model", 5, 1024, 1024));
        report.LatencyByFeature.ShouldContain(new LatencyRow("answers", 2, 5793, 5793));
    }

    [Fact]
    public async Task Routing_savings_count_the_calls_of_routed_requests_not_those_of_a_request_the_router_never_saw()
    {
        // 1: a router span under the root carries the decision, then the request calls the model it
        //    chose and a guardrail, both beside the router span (as the sample system emits them).
        // 2: a request the router never saw calls the small model directly.
        await _fixture.Writer.WriteAsync(
        [
            Root(1, 1, "search", "answers", "acme"), Router(1, 2, parent: 1),
            Call(1, 3, parent: 1, _fixture.Small, input: 1000, output: 100, offsetSeconds: 1),
            Call(1, 4, parent: 1, _fixture.Small, input: 500, output: 50, offsetSeconds: 2),
            Root(2, 1, "search", "answers", "acme"), Call(2, 2, parent: 1, _fixture.Small, input: 2000, output: 200, offsetSeconds: 1),
        ]);
        await _fixture.RollUpAsync();

        var savings = await new OrchestrationQuery(_fixture.DataSource, _fixture.Prices, TimeProvider.System).GetSavingsAsync(TheHour, projectId: null, team: null);

        // Request 1's calls, 1500 in / 150 out: at big-model prices 1500×10 + 150×30 = 0.0195,
        // against 1500×1 + 150×2 = 0.0018 as priced. Request 2's 2000 / 200 are not counted.
        savings.Routing.FrontierCostUsd.ShouldBe(0.0195m);
        savings.Routing.ActualCostUsd.ShouldBe(0.0018m);
        savings.Routing.SavingsUsd.ShouldBe(0.0177m);
        (await _fixture.Database.ScalarAsync<long>("SELECT sum(calls)::bigint FROM rollup_features_daily WHERE routed")).ShouldBe(2);
        (await _fixture.Database.ScalarAsync<long>("SELECT sum(calls)::bigint FROM rollup_features_daily")).ShouldBe(3);
    }

    [Fact]
    public async Task Calls_with_a_reported_cost_and_no_tokens_count_at_their_own_cost_in_the_routing_savings_not_as_a_loss()
    {
        await _fixture.WriteAllAsync();
        var reported = RollupFixture.Call(9, 2, parent: 1, _fixture.Small, input: 0, output: 0, offsetSeconds: 1);
        (reported.Model, reported.InputTokens, reported.OutputTokens, reported.ComputedCostUsd, reported.ProvidedCostUsd, reported.CostSource, reported.PriceId) =
            ("reported-model", null, null, null, 0.5m, "provided", null);
        await _fixture.Writer.WriteAsync([RollupFixture.Root(9, 1, "search", "answers", "acme", routed: true), reported]);
        await _fixture.RollUpAsync();

        var report = await new OrchestrationQuery(_fixture.DataSource, _fixture.Prices, TimeProvider.System).GetAsync(TheHour);

        // The fixture's 0.069 saved on 0.006 routed, and the reported 0.50 at 0.50 on either model.
        report.RoutingSavings.ActualCostUsd.ShouldBe(0.506m);
        report.RoutingSavings.FrontierCostUsd.ShouldBe(0.575m);
        report.RoutingSavings.SavingsUsd.ShouldBe(0.069m);
    }

    [Fact]
    public async Task Custom_model_calls_and_quality_checks_are_rolled_up_hourly_and_daily()
    {
        await _fixture.WriteAllAsync();
        await _fixture.Writer.WriteAsync([Evaluator(1, 9, parent: 1)]);
        await _fixture.RollUpAsync();

        // Both fixture prices are custom: all six billing calls; the evaluator span is A's one quality check.
        (await CustomAndQualityAsync("hourly")).ShouldBe("6/6/1");
        (await CustomAndQualityAsync("daily")).ShouldBe("6/6/1");
    }

    [Fact]
    public async Task A_pass_without_a_watermark_recomputes_every_hour_already_rolled_up()
    {
        await _fixture.WriteAllAsync();
        await _fixture.Writer.WriteAsync([Evaluator(1, 9, parent: 1)]);
        // Ingested a day ago: a pass from a fresh watermark would not look at these spans again.
        await _fixture.Database.ExecuteAsync("UPDATE spans SET ingested_at = ingested_at - interval '1 day'");
        await _fixture.RollUpAsync();
        var before = await _fixture.DumpRollupsAsync();

        // What db/0014 leaves behind: rows rolled up before its columns existed, and no watermark.
        await _fixture.Database.ExecuteAsync("""
            UPDATE rollup_spans_hourly SET custom_model_calls = 0; UPDATE rollup_spans_daily SET custom_model_calls = 0;
            UPDATE rollup_features_hourly SET custom_model_calls = 0; UPDATE rollup_features_daily SET custom_model_calls = 0;
            UPDATE rollup_traces_hourly SET quality_check_spans = 0; UPDATE rollup_traces_daily SET quality_check_spans = 0;
            DELETE FROM rollup_state WHERE name = 'rollups';
            """);
        (await CustomAndQualityAsync("hourly")).ShouldBe("0/0/0");
        await _fixture.RollUpAsync();

        (await _fixture.DumpRollupsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Daily_rows_are_the_sum_of_the_hourly_rows()
    {
        await _fixture.WriteAllAsync();
        await _fixture.Writer.WriteAsync([Call(9, 1, parent: null, _fixture.Big, input: 1000, output: 0, offsetSeconds: 10, hour: Hour.AddHours(3))]);
        await _fixture.RollUpAsync();

        var day = QueryWindow.Create(Hour.Date, Hour.Date.AddDays(1));
        var summary = await new SummaryQuery(_fixture.DataSource).GetAsync(day, new SummaryFilter());

        // 0.012 at 10:00 + 0.01 at 13:00, read from the daily rows.
        summary.CostUsd.ShouldBe(0.022m);
        summary.Requests.ShouldBe(5);
        (await _fixture.Database.ScalarAsync<decimal>("SELECT sum(cost_usd) FROM rollup_spans_daily")).ShouldBe(0.022m);
    }

    [Fact]
    public async Task A_window_holding_a_whole_week_reads_its_weekly_rows_with_the_same_figures()
    {
        await _fixture.WriteAllAsync();
        await _fixture.Writer.WriteAsync([Call(9, 1, parent: null, _fixture.Big, input: 1000, output: 0, offsetSeconds: 10, hour: Hour.AddDays(3))]);
        await _fixture.RollUpAsync();
        var spend = new SpendQuery(_fixture.DataSource);

        // Monday 2 Nov is the fixture's day: Sunday 05:00 to the next Tuesday 07:00 holds the whole
        // week of 2 Nov (weekly rows), Sunday and Monday 9 Nov (daily rows) and hours at both ends.
        var wide = await spend.GetAsync(QueryWindow.Create(Hour.Date.AddHours(-19), Hour.Date.AddDays(8).AddHours(7)), "model");
        var thursday = await spend.GetAsync(QueryWindow.Create(Hour.AddDays(3), Hour.AddDays(3).AddHours(1)), "model");
        var monday = await spend.GetAsync(TheHour, "model");

        (await _fixture.Database.ScalarAsync<long>("SELECT count(*) FROM rollup_keys_weekly WHERE bucket = '2026-11-02T00:00:00Z' AND dimension = 'model'")).ShouldBe(2);
        // small-model 0.007 on Monday; big-model 0.005 on Monday and 0.01 on Thursday.
        wide.Rows.ShouldBe([new SpendRow("big-model", 0.015m, 2, 2, 1500, 0, 0, 0, 0), new SpendRow("small-model", 0.007m, 3, 5, 3700, 1650, 0, 0, 0)]);
        wide.TotalCostUsd.ShouldBe(monday.TotalCostUsd + thursday.TotalCostUsd);
    }

    [Fact]
    public async Task Spend_over_long_partial_days_reads_each_as_its_day_less_the_hours_outside_and_drops_keys_found_only_there()
    {
        var sunday = Hour.Date.AddDays(-1);
        await _fixture.Writer.WriteAsync(
        [
            Call(11, 1, parent: null, _fixture.Small, input: 1000, output: 0, offsetSeconds: 0, hour: sunday.AddHours(1)), // outside
            Call(12, 1, parent: null, _fixture.Big, input: 1000, output: 0, offsetSeconds: 0, hour: sunday.AddHours(9)), // 0.01
            Call(13, 1, parent: null, _fixture.Big, input: 2000, output: 0, offsetSeconds: 0, hour: sunday.AddDays(2).AddHours(10)), // 0.02
            Call(14, 1, parent: null, _fixture.Small, input: 3000, output: 0, offsetSeconds: 0, hour: sunday.AddDays(2).AddHours(22)), // outside
        ]);
        await _fixture.RollUpAsync();

        // Sunday 03:00 to Tuesday 20:00: 21 hours of Sunday and 20 of Tuesday, each more than half its day.
        var spend = await new SpendQuery(_fixture.DataSource).GetAsync(QueryWindow.Create(sunday.AddHours(3), sunday.AddDays(2).AddHours(20)), "model");

        // small-model was called only outside the window: it is not listed, even at zero.
        spend.Rows.ShouldBe([new SpendRow("big-model", 0.03m, 2, 2, 3000, 0, 0, 0, 0)]);
        spend.TotalCostUsd.ShouldBe(0.03m);
    }

    private Task<string?> CustomAndQualityAsync(string grain) => _fixture.Database.ScalarAsync<string>($"""
        SELECT (SELECT sum(custom_model_calls) FROM rollup_spans_{grain}) || '/' || (SELECT sum(custom_model_calls) FROM rollup_features_{grain})
               || '/' || (SELECT sum(quality_check_spans) FROM rollup_traces_{grain})
        """);
}
