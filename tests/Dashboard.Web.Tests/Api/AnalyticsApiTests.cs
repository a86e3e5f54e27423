using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class AnalyticsApiTests
{
    private static readonly DateTime Day = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);
    private const string TheDay = "from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z";

    [Fact]
    public async Task Summary_spend_and_pnl_answer_in_the_contract_shapes_with_exact_figures()
    {
        await using var app = await StartWithTrafficAsync();
        using var client = app.CreateClient(withAdminKey: true);
        // 2 USD of revenue for "answers" over the whole day.
        (await client.PostAsJsonAsync("/api/v1/revenue", new[] { new { feature = "answers", periodStart = "2026-11-02T00:00:00Z", periodEnd = "2026-11-03T00:00:00Z", amountUsd = 2m } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var summary = await GetJsonAsync(client, $"/api/v1/summary?{TheDay}");
        var spend = await GetJsonAsync(client, $"/api/v1/spend?{TheDay}&groupBy=feature");
        var pnl = await GetJsonAsync(client, $"/api/v1/features/pnl?{TheDay}");

        // One call of 0.25 (answers) and one cache hit (triage) in two requests.
        summary.GetProperty("costUsd").GetDecimal().ShouldBe(0.25m);
        summary.GetProperty("revenueUsd").GetDecimal().ShouldBe(2m);
        // 0.25 / 2
        summary.GetProperty("cogsToRevenue").GetDecimal().ShouldBe(0.125m);
        summary.GetProperty("requests").GetInt64().ShouldBe(2);
        summary.GetProperty("costPerRequestUsd").GetDecimal().ShouldBe(0.125m);
        summary.GetProperty("routingCoverage").GetDouble().ShouldBe(0);
        summary.GetProperty("cacheHitRate").GetDouble().ShouldBe(0.5);
        summary.GetProperty("fallbackRate").GetDouble().ShouldBe(0);
        summary.GetProperty("retryRate").GetDouble().ShouldBe(0);
        summary.GetProperty("tierMix").GetProperty("mid").GetDouble().ShouldBe(1);
        summary.GetProperty("tierMix").GetProperty("small").GetDouble().ShouldBe(0);
        // No request was routed: the router's mix has no shares.
        summary.GetProperty("routedTierMix").GetProperty("small").ValueKind.ShouldBe(JsonValueKind.Null);

        spend.GetProperty("totalCostUsd").GetDecimal().ShouldBe(0.25m);
        var answers = spend.GetProperty("rows")[0];
        answers.GetProperty("key").GetString().ShouldBe("answers");
        answers.GetProperty("costUsd").GetDecimal().ShouldBe(0.25m);
        answers.GetProperty("requests").GetInt64().ShouldBe(1);
        answers.GetProperty("calls").GetInt64().ShouldBe(1);
        answers.GetProperty("inputTokens").GetInt64().ShouldBe(1000);
        answers.GetProperty("outputTokens").GetInt64().ShouldBe(200);
        answers.GetProperty("cacheReadTokens").GetInt64().ShouldBe(400);
        answers.GetProperty("cacheWriteTokens").GetInt64().ShouldBe(0);
        answers.GetProperty("reasoningTokens").GetInt64().ShouldBe(50);

        var answersPnl = pnl.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("feature").GetString() == "answers");
        answersPnl.GetProperty("revenueUsd").GetDecimal().ShouldBe(2m);
        answersPnl.GetProperty("costUsd").GetDecimal().ShouldBe(0.25m);
        // 2 − 0.25 = 1.75; 1.75 / 2 = 0.875
        answersPnl.GetProperty("marginUsd").GetDecimal().ShouldBe(1.75m);
        answersPnl.GetProperty("marginPct").GetDecimal().ShouldBe(0.875m);
    }

    [Fact]
    public async Task Orchestration_reports_cache_hits_and_latency()
    {
        await using var app = await StartWithTrafficAsync();
        using var client = app.CreateClient(withAdminKey: true);

        var report = await GetJsonAsync(client, $"/api/v1/orchestration?{TheDay}");

        report.GetProperty("requests").GetInt64().ShouldBe(2);
        report.GetProperty("cacheHitRequests").GetInt64().ShouldBe(1);
        report.GetProperty("cacheHitRate").GetDouble().ShouldBe(0.5);
        // The call lasts 2000 ms: 4·log2(2000) = 43.9 → bucket 44, upper bound 2^11 = 2048.
        var model = report.GetProperty("latencyByModel")[0];
        model.GetProperty("key").GetString().ShouldBe("house-model");
        model.GetProperty("p95Ms").GetDouble().ShouldBe(2048);
    }

    [Theory]
    [InlineData("/api/v1/summary?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z", "Invalid window")]
    [InlineData("/api/v1/spend?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "Invalid window")]
    [InlineData("/api/v1/spend?groupBy=planet", "Unknown groupBy")]
    public async Task A_bad_window_or_grouping_is_a_problem_details_400(string url, string title)
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: NoJobs);
        using var client = app.CreateClient(withAdminKey: true);

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString().ShouldBe(title);
    }

    [Fact]
    public async Task Without_a_window_the_last_seven_days_are_summarised()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: NoJobs);
        using var client = app.CreateClient(withAdminKey: true);

        var summary = await GetJsonAsync(client, "/api/v1/summary");

        summary.GetProperty("requests").GetInt64().ShouldBe(0);
        summary.GetProperty("costPerRequestUsd").ValueKind.ShouldBe(JsonValueKind.Null);
        summary.GetProperty("cacheHitRate").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task The_rollup_job_runs_at_start_up_and_its_runs_are_listed()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        JsonElement rollups = default;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var jobs = (await GetJsonAsync(client, "/api/v1/jobs")).GetProperty("jobs");
            rollups = jobs.EnumerateArray().FirstOrDefault(j => j.GetProperty("job").GetString() == "rollups");
            if (rollups.ValueKind != JsonValueKind.Undefined && rollups.GetProperty("runs")[0].GetProperty("outcome").GetString() == "succeeded")
            {
                break;
            }

            await Task.Delay(500);
        }

        var run = rollups.GetProperty("runs")[0];
        run.GetProperty("outcome").GetString().ShouldBe("succeeded");
        run.GetProperty("instance").GetString().ShouldNotBeNullOrEmpty();
        run.GetProperty("endedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_orchestration_shape()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: NoJobs);
        using var client = app.CreateClient();

        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        document.ShouldContain("/api/v1/orchestration");
        document.ShouldContain("\"fallbackChains\"");
        document.ShouldContain("\"routingSavings\"");
        document.ShouldContain("\"latencyByModel\"");
    }

    private static readonly Dictionary<string, string> NoJobs = new() { ["Tollgate:Jobs:Enabled"] = "false" };

    /// <summary>
    /// A dashboard without its scheduler and two requests on 2 November at 10:00: "answers"
    /// (one call, provided cost 0.25, route tier mid, 2000 ms) and "triage" (a cache hit).
    /// The rollup is run directly, as the job would.
    /// </summary>
    private static async Task<RunningApp> StartWithTrafficAsync()
    {
        var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: NoJobs);
        await using var dataSource = NpgsqlDataSource.Create(app.Database.ConnectionString);
        var writer = new SpanWriter(dataSource, new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance), NullLogger<SpanWriter>.Instance);
        var start = Day.AddHours(10);
        var call = Span(1, 1, start, TimeSpan.FromMilliseconds(2000), team: "search", feature: "answers");
        call.Operation = "chat";
        call.IsInference = true;
        call.Provider = "acme";
        call.Model = "house-model";
        call.RouteTier = "mid";
        call.InputTokens = 1000;
        call.OutputTokens = 200;
        call.CacheReadTokens = 400;
        call.ReasoningTokens = 50;
        call.ProvidedCostUsd = 0.25m;
        call.CostSource = "provided";
        var cached = Span(2, 1, start.AddMinutes(5), TimeSpan.FromMilliseconds(20), team: "support", feature: "triage");
        cached.CacheHit = true;
        await writer.WriteAsync([call, cached]);
        await app.App.Services.GetRequiredService<RollupRunner>().RunAllAsync();
        return app;
    }

    private static SpanRecord Span(int trace, int id, DateTime start, TimeSpan duration, string team, string feature)
    {
        var traceId = new byte[16];
        traceId[15] = (byte)trace;
        var spanId = new byte[8];
        spanId[7] = (byte)id;
        return new SpanRecord
        {
            ProjectId = 1,
            TraceId = traceId,
            SpanId = spanId,
            Name = "request",
            Kind = 1,
            StartTime = start,
            EndTime = start + duration,
            Team = team,
            Feature = feature,
            AttributionExplicit = Attribution.Team | Attribution.Feature,
        };
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
