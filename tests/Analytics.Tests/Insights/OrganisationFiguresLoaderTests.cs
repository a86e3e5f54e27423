using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Rollups;
using static Tollgate.Testing.TestSpans;

namespace Tollgate.Analytics.Tests.Insights;

public sealed class OrganisationFiguresLoaderTests : InsightsDatabaseTest
{
    private static readonly DateTime Day1 = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly QueryWindow TwoDays = new(Day1, Day1.AddDays(2), Project);

    [Fact]
    public async Task Requests_cost_routing_cache_tiers_and_prorated_revenue_are_read_from_the_window()
    {
        await SeedAsync();

        var figures = await new OrganisationFiguresLoader(DataSource).LoadAsync(TwoDays);

        // Four traces in the window (the fifth starts after it); the first routed, the second served from cache.
        (figures.Requests, figures.RoutedRequests, figures.CacheHitRequests).ShouldBe((4L, 1L, 1L));
        // Billing: gpt-4o $0.40, the fine-tune $0.10, an unpriced call.
        (figures.BillingSpans, figures.PricedBillingSpans, figures.CostUsd).ShouldBe((3L, 2L, 0.5m));
        // Only the answers trace carries both a team and a feature.
        figures.AttributedCostUsd.ShouldBe(0.4m);
        (figures.CustomModelCalls, figures.QualityCheckSpans, figures.Budgets).ShouldBe((1L, 1L, 0));
        // answers: $40 over 4 days, 2 in the window → $20; triage: $10 over 2 days, 1 in the window → $5.
        figures.RevenueUsd.ShouldBe(25m);
        figures.Features.ShouldBe(
        [
            new FeatureFigures("answers", 2, 1, 0.4m, 20m),
            new FeatureFigures("triage", 1, 0, 0.1m, 5m),
            new FeatureFigures(null, 1, 0, 0m, 0m),
        ]);
        // The fine-tune's tier comes from tollgate.route.tier (mid) over its price's tier (small).
        figures.Cells.OrderBy(c => c.Model, StringComparer.Ordinal).ShouldBe(
        [
            new CostCell("triage", "openai/ft:gpt-4o-mini:acme", "mid", 1, 0.1m),
            new CostCell("answers", "openai/gpt-4o", "frontier", 1, 0.4m),
            new CostCell(null, "openai/gpt-4o-mini", null, 1, 0m),
        ]);
    }

    [Fact]
    public async Task A_window_inside_hours_is_widened_to_whole_hours_and_read_from_hourly_rows()
    {
        await SeedAsync();
        var window = new QueryWindow(Day1.AddHours(2).AddMinutes(30), Day1.AddHours(3).AddMinutes(10), Project);

        var figures = await new OrganisationFiguresLoader(DataSource).LoadAsync(window);

        // 02:00–04:00: the cached answers request and the triage request with its fine-tune call.
        (figures.Window.From, figures.Window.To).ShouldBe((Day1.AddHours(2), Day1.AddHours(4)));
        (figures.Requests, figures.CacheHitRequests, figures.BillingSpans, figures.CostUsd).ShouldBe((2L, 1L, 1L, 0.1m));
        (figures.CustomModelCalls, figures.QualityCheckSpans).ShouldBe((1L, 0L));
        // answers: $40 over 96 hours, 2 in the window; triage: $10 over 48 hours, 2 in the window.
        figures.RevenueUsd.ShouldBe(40m * 2 / 96 + 10m * 2 / 48);
        figures.Features.Select(f => (f.Feature, f.Requests, f.CostUsd)).ShouldBe([("answers", 1L, 0m), ("triage", 1L, 0.1m)]);
    }

    [Fact]
    public async Task Another_project_sees_none_of_the_figures()
    {
        await SeedAsync();
        await Database.ExecuteAsync("INSERT INTO projects (id, name) VALUES (2, 'other')");

        var figures = await new OrganisationFiguresLoader(DataSource).LoadAsync(TwoDays with { ProjectId = 2 });

        (figures.Requests, figures.BillingSpans, figures.CostUsd, figures.CustomModelCalls, figures.QualityCheckSpans).ShouldBe((0L, 0L, 0m, 0L, 0L));
        figures.Cells.ShouldBeEmpty();
    }

    [Fact]
    public async Task Budgets_are_counted()
    {
        (await new OrganisationFiguresLoader(DataSource).LoadAsync(TwoDays)).Budgets.ShouldBe(0);
        await Database.ExecuteAsync("""
            INSERT INTO budgets (project_id, name, scope, scope_key, period, amount_usd, thresholds, created_by) VALUES
                (1, 'all', 'total', NULL, 'monthly', 100, '{0.5,1}', 'test'),
                (1, 'search', 'team', 'search', 'weekly', 10, '{1}', 'test')
            """);

        var figures = await new OrganisationFiguresLoader(DataSource).LoadAsync(TwoDays);

        figures.Budgets.ShouldBe(2);
    }

    /// <summary>Writes the spans and rolls them up, as the rollup job would: the loader reads only rollups.</summary>
    private async Task SeedAsync()
    {
        await Database.ExecuteAsync("""
            INSERT INTO prices (id, provider, model, input_per_mtok, output_per_mtok, tier, effective_from, origin) VALUES
                (101, 'openai', 'gpt-4o', 2.5, 10, 'frontier', '2026-01-01', 'seed'),
                (102, 'openai', 'ft:gpt-4o-mini:acme', 0.3, 1.2, 'small', '2026-01-01', 'custom');
            INSERT INTO revenue (project_id, feature, period_start, period_end, amount_usd, created_by) VALUES
                (1, 'answers', '2026-11-01', '2026-11-05', 40, 'test'),
                (1, 'triage', '2026-10-31', '2026-11-02', 10, 'test'),
                (1, 'answers', '2026-12-01', '2026-12-02', 99, 'test');
            """);
        var routedRoot = Root(Project, 1, 1, "gateway", Day1.AddHours(1), team: "search", feature: "answers");
        routedRoot.RouteDecision = "gpt-4o";
        var cachedRoot = Root(Project, 2, 1, "gateway", Day1.AddHours(2), team: "search", feature: "answers");
        cachedRoot.CacheHit = true;
        var fineTune = Chat(Project, 3, 2, 1, "gateway", Day1.AddHours(3), "openai", "ft:gpt-4o-mini:acme", 0.1m, priceId: 102);
        fineTune.RouteTier = "mid";
        var guardrail = Span(Project, 4, 3, 1, "gateway", Day1.AddHours(4));
        guardrail.Operation = "GUARDRAIL";
        await Writer.WriteAsync(
        [
            routedRoot,
            Chat(Project, 1, 2, 1, "gateway", Day1.AddHours(1), "openai", "gpt-4o", 0.4m, priceId: 101),
            cachedRoot,
            Root(Project, 3, 1, "gateway", Day1.AddHours(3), feature: "triage"),
            fineTune,
            Root(Project, 4, 1, "gateway", Day1.AddHours(4)),
            Chat(Project, 4, 2, 1, "gateway", Day1.AddHours(4), "openai", "gpt-4o-mini", null),
            guardrail,
            Root(Project, 5, 1, "gateway", Day1.AddDays(2), feature: "answers"),
            Chat(Project, 5, 2, 1, "gateway", Day1.AddDays(2), "openai", "gpt-4o", 5m, priceId: 101),
        ]);
        await new RollupService(DataSource, new PriceStore(DataSource)).RecomputeAsync(Day1, Day1.AddDays(3));
    }
}
