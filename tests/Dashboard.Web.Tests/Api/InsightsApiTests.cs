using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;
using static Tollgate.Testing.TestSpans;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>One running app seeded with two priced, attributed traces of feature "answers" and $1 of its revenue.</summary>
public sealed class InsightsAppFixture : IAsyncLifetime
{
    public static readonly DateTime Day = new(2026, 11, 10, 0, 0, 0, DateTimeKind.Utc);

    public RunningApp App { get; private set; } = null!;

    public static string Window => $"from={Day:yyyy-MM-ddTHH:mm:ssZ}&to={Day.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}";

    public async Task InitializeAsync()
    {
        App = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var project = await App.Database.ScalarAsync<int>("SELECT id FROM projects WHERE name = 'default'");
        var start = Day.AddHours(10);
        var routed = Root(project, 1, 1, "gateway", start, team: "search", feature: "answers");
        routed.RouteDecision = "small";
        var planner = Span(project, 1, 2, 1, "agents", start.AddSeconds(1), ms: 800);
        planner.Agent = "planner";
        var nested = Span(project, 1, 3, 2, "agents", start.AddSeconds(1), ms: 700);
        nested.Agent = "planner";
        await App.App.Services.GetRequiredService<SpanWriter>().WriteAsync(
        [
            routed, planner, nested,
            Chat(project, 1, 4, 3, "agents", start.AddSeconds(2), "openai", "gpt-4o", 0.02m),
            Root(project, 2, 1, "gateway", start.AddMinutes(5), team: "search", feature: "answers"),
            Chat(project, 2, 2, 1, "gateway", start.AddMinutes(5), "openai", "gpt-4o", 0.02m),
        ]);
        await App.App.Services.GetRequiredService<DependencyRollup>().RecomputeHoursAsync(null, Day, Day.AddDays(1));
        await App.App.Services.GetRequiredService<RollupRunner>().RunAllAsync();
        using var client = App.CreateClient(withAdminKey: true);
        var revenue = await client.PostAsJsonAsync("/api/v1/revenue", new[] { new { feature = "answers", periodStart = Day, periodEnd = Day.AddDays(1), amountUsd = 1m } });
        revenue.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class InsightsApiTests(InsightsAppFixture fixture) : IClassFixture<InsightsAppFixture>
{
    [Fact]
    public async Task The_dependency_map_shows_the_cross_service_call_into_the_agent_and_its_model_call()
    {
        using var client = fixture.App.CreateClient(withAdminKey: true);

        var map = await GetJsonAsync(client, $"/api/v1/dependencies?{InsightsAppFixture.Window}");

        map.GetProperty("nodes").EnumerateArray().Select(n => (n.GetProperty("id").GetString(), n.GetProperty("kind").GetString(), n.GetProperty("label").GetString()))
            .ShouldBe([("agent:planner", "agent", "planner"), ("model:openai/gpt-4o", "model", "openai/gpt-4o"), ("service:gateway", "service", "gateway")]);
        var edges = map.GetProperty("edges").EnumerateArray()
            .ToDictionary(e => (e.GetProperty("source").GetString(), e.GetProperty("target").GetString()));
        // The nested planner span is collapsed into the planner node: no planner → planner edge.
        edges.Count.ShouldBe(3);
        // Trace 1: gateway → planner (its subtree holds the $0.02 call) → gpt-4o; trace 2: gateway → gpt-4o directly.
        var intoPlanner = edges[("service:gateway", "agent:planner")];
        (intoPlanner.GetProperty("calls").GetInt64(), intoPlanner.GetProperty("errors").GetInt64(), intoPlanner.GetProperty("costUsd").GetDecimal())
            .ShouldBe((1L, 0L, 0.02m));
        // 800 ms: log2(800)·4 = 38.58 → bucket 39 = [2^9.5, 2^9.75) ms, reported as 2^9.75 = 861.1 → 861 ms.
        intoPlanner.GetProperty("p95Ms").GetDouble().ShouldBe(861);
        intoPlanner.GetProperty("isNew").GetBoolean().ShouldBeTrue();
        edges[("agent:planner", "model:openai/gpt-4o")].GetProperty("costUsd").GetDecimal().ShouldBe(0.02m);
        edges[("service:gateway", "model:openai/gpt-4o")].GetProperty("calls").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Orchestration_debt_reports_the_longest_chain_and_the_cost_through_the_agent()
    {
        using var client = fixture.App.CreateClient(withAdminKey: true);

        var debt = await GetJsonAsync(client, $"/api/v1/dependencies/debt?{InsightsAppFixture.Window}");

        debt.GetProperty("longestChain").GetProperty("path").EnumerateArray().Select(p => p.GetString()).ShouldBe(["gateway", "planner", "openai/gpt-4o"]);
        debt.GetProperty("agentCosts").EnumerateArray().Select(a => (a.GetProperty("agent").GetString(), a.GetProperty("costUsd").GetDecimal()))
            .ShouldBe([("planner", 0.02m)]);
        // Every edge appeared in this period: all three are undocumented dependencies.
        debt.GetProperty("newDependencies").GetArrayLength().ShouldBe(3);
        debt.GetProperty("tracesExamined").GetInt64().ShouldBe(2);
        debt.GetProperty("errorCascades").GetProperty("count").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Maturity_stops_at_pilot_without_budgets_and_says_so()
    {
        using var client = fixture.App.CreateClient(withAdminKey: true);

        var maturity = await GetJsonAsync(client, $"/api/v1/maturity?{InsightsAppFixture.Window}");

        // Both billing calls priced and attributed (levels 1–2, and level 3's attribution); no budgets table here.
        (maturity.GetProperty("level").GetInt32(), maturity.GetProperty("name").GetString(), maturity.GetProperty("score").GetInt32()).ShouldBe((2, "Pilot", 29));
        var criteria = maturity.GetProperty("criteria").EnumerateArray().ToList();
        criteria.Count.ShouldBe(10);
        criteria.Single(c => c.GetProperty("name").GetString() == "Cost tracked per request").GetProperty("evidence").GetString()
            .ShouldBe("2 of 2 billing spans priced (100%)");
        criteria.Single(c => c.GetProperty("name").GetString() == "Cost attributed to team and feature").GetProperty("met").GetBoolean().ShouldBeTrue();
        maturity.GetProperty("nextStep").GetProperty("criterion").GetString().ShouldBe("Budgets defined");
    }

    [Fact]
    public async Task Benchmarks_place_each_value_and_an_admin_moving_a_band_is_audited()
    {
        using var client = fixture.App.CreateClient(withAdminKey: true);

        var before = Rows(await GetJsonAsync(client, $"/api/v1/benchmarks?{InsightsAppFixture.Window}"));
        var badOrder = await client.PutAsJsonAsync("/api/v1/benchmarks/bands/inference_cost_per_request", new { low = 0.01m, medianFrom = 0.03m, medianTo = 0.04m, elite = 0.025m });
        var unknown = await client.PutAsJsonAsync("/api/v1/benchmarks/bands/happiness", new { low = 0.05m, medianFrom = 0.03m, medianTo = 0.04m, elite = 0.025m });
        var moved = await client.PutAsJsonAsync("/api/v1/benchmarks/bands/inference_cost_per_request", new { low = 0.05m, medianFrom = 0.03m, medianTo = 0.04m, elite = 0.025m });
        var after = Rows(await GetJsonAsync(client, $"/api/v1/benchmarks?{InsightsAppFixture.Window}"));

        // Cost $0.04 over 2 requests = $0.02 (median, 0.01–0.05); COGS 0.04 / 1 = 0.04 (elite, below 0.10);
        // routing 1 of 2 = 0.5 (median, from 0.5); 1 of 1 feature profitable = 1 (elite, above 0.8).
        before.ShouldBe(
        [
            ("ai_cogs_to_revenue", 0.04m, "elite"),
            ("feature_profitability", 1m, "elite"),
            ("inference_cost_per_request", 0.02m, "median"),
            ("routing_coverage", 0.5m, "median"),
        ]);
        badOrder.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        // With elite now below $0.025, $0.02 is elite.
        after.Single(r => r.Metric == "inference_cost_per_request").Band.ShouldBe("elite");
        var json = await GetJsonAsync(client, $"/api/v1/benchmarks?{InsightsAppFixture.Window}");
        var costRow = json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("metric").GetString() == "inference_cost_per_request");
        // The bands shown cover every value: median reaches the elite bound, low starts where median ends.
        costRow.GetProperty("low").GetProperty("above").GetDecimal().ShouldBe(0.04m);
        (costRow.GetProperty("median").GetProperty("from").GetDecimal(), costRow.GetProperty("median").GetProperty("to").GetDecimal()).ShouldBe((0.025m, 0.04m));
        costRow.GetProperty("elite").GetProperty("below").GetDecimal().ShouldBe(0.025m);
        var published = costRow.GetProperty("published");
        (published.GetProperty("low").GetDecimal(), published.GetProperty("medianFrom").GetDecimal()).ShouldBe((0.05m, 0.03m));
        (await fixture.App.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'benchmarks.bands.update'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_scenario_projects_each_feature_and_refuses_an_impossible_mix()
    {
        using var client = fixture.App.CreateClient(withAdminKey: true);

        var response = await client.PostAsJsonAsync("/api/v1/scenarios", new { from = InsightsAppFixture.Day, to = InsightsAppFixture.Day.AddDays(1), volumeMultiplier = 10 });
        var impossible = await client.PostAsJsonAsync("/api/v1/scenarios", new { volumeMultiplier = 10, smallShare = 0.5, midShare = 0.5, frontierShare = 0.5 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var answers = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("feature").GetString() == "answers");
        // Today: cost $0.04, revenue $1, margin $0.96 (96%). Ten times: $0.40, $10, $9.60, still 96%.
        (answers.GetProperty("costUsd").GetDecimal(), answers.GetProperty("projectedCostUsd").GetDecimal(),
            answers.GetProperty("projectedRevenueUsd").GetDecimal(), answers.GetProperty("projectedMarginUsd").GetDecimal(),
            answers.GetProperty("projectedMarginPct").GetDecimal()).ShouldBe((0.04m, 0.4m, 10m, 9.6m, 0.96m));
        impossible.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await impossible.Content.ReadAsStringAsync()).ShouldContain("add up to 1");
    }

    [Fact]
    public async Task Only_admins_may_change_benchmark_bands_while_viewers_read_them()
    {
        using var admin = fixture.App.CreateClient(withAdminKey: true);
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "benchmarks-viewer", role = "viewer" });
        using var viewer = fixture.App.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString());

        var refused = await viewer.PutAsJsonAsync("/api/v1/benchmarks/bands/routing_coverage", new { low = 0.2m, medianFrom = 0.4m, medianTo = 0.6m, elite = 0.9m });

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync(new Uri($"/api/v1/benchmarks?{InsightsAppFixture.Window}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.App.Database.ScalarAsync<decimal>("SELECT elite_bound FROM benchmark_bands WHERE metric = 'routing_coverage'")).ShouldBe(0.85m);
    }

    [Fact]
    public async Task A_window_over_the_limit_or_an_unknown_project_is_refused_with_a_reason()
    {
        using var client = fixture.App.CreateClient(withAdminKey: true);

        var tooLong = await client.GetAsync(new Uri("/api/v1/maturity?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", UriKind.Relative));
        var unknown = await client.GetAsync(new Uri("/api/v1/dependencies?project=nowhere", UriKind.Relative));

        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadAsStringAsync()).ShouldContain("limited to 400 days");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<(string? Metric, decimal? Value, string? Band)> Rows(JsonElement benchmarks) =>
    [
        .. benchmarks.GetProperty("rows").EnumerateArray().Select(r => (
            r.GetProperty("metric").GetString(),
            r.GetProperty("value").ValueKind == JsonValueKind.Null ? (decimal?)null : r.GetProperty("value").GetDecimal(),
            r.GetProperty("band").GetString())),
    ];
}
