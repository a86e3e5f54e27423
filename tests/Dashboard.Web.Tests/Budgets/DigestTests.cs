using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;
using static Tollgate.Testing.TestSpans;
using Tollgate.Analytics.Time;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class DigestTests
{
    // A whole past week (and the one before it), inside the span partitions a fresh database has.
    private static readonly DateTime Week = IsoWeek.Start(DateTime.UtcNow).AddDays(-14);

    [Fact]
    public async Task A_digest_compares_the_week_with_the_one_before_and_the_weekly_budget()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        await BudgetKit.CreateBudgetAsync(admin, new { scope = "team", scopeKey = "checkout", period = "weekly", amountUsd = 40 });
        // The week before: cart 5 (gpt-5.5), refunds 3 (gpt-5.4-mini).
        await BudgetKit.AddSpanAsync(app, "checkout", 5m, feature: "cart", model: "gpt-5.5", start: Week.AddDays(-3));
        await BudgetKit.AddSpanAsync(app, "checkout", 3m, feature: "refunds", model: "gpt-5.4-mini", start: Week.AddDays(-1));
        // The week: cart 12 (gpt-5.5), refunds 2 (gpt-5.4-mini); another team and a non-billing span do not count.
        await BudgetKit.AddSpanAsync(app, "checkout", 12m, feature: "cart", model: "gpt-5.5", start: Week.AddDays(2));
        await BudgetKit.AddSpanAsync(app, "checkout", 2m, feature: "refunds", model: "gpt-5.4-mini", start: Week.AddDays(6).AddHours(23));
        await BudgetKit.AddSpanAsync(app, "search", 50m, feature: "cart", start: Week.AddDays(2));
        await BudgetKit.AddSpanAsync(app, "checkout", 50m, feature: "cart", billing: false, start: Week.AddDays(2));

        var digest = await app.App.Services.GetRequiredService<WeeklyDigest>().BuildAsync("checkout", Week.AddDays(3));

        digest.WeekStart.ShouldBe(Week);
        digest.SpentUsd.ShouldBe(14m); // 12 + 2
        digest.LastWeekUsd.ShouldBe(8m); // 5 + 3
        digest.ChangePercent.ShouldBe(75m); // (14 - 8) / 8
        digest.BudgetUsd.ShouldBe(40m);
        digest.BudgetPercent.ShouldBe(35m); // 14 / 40
        // cart +7 and gpt-5.5 +7 (ties by name), refunds -1 and gpt-5.4-mini -1.
        digest.TopMovers.Select(m => $"{m.Dimension} {m.Key} {m.ChangeUsd}").ShouldBe(["feature cart 7", "model gpt-5.5 7", "model gpt-5.4-mini -1", "feature refunds -1"]);
        digest.Anomalies.ShouldBeEmpty();
        digest.AnomaliesNote.ShouldBe("No anomalies flagged this week.");
        // Savings come from the rollups, which these directly inserted spans have not reached.
        (digest.RoutingSavingsUsd, digest.CacheSavingsUsd).ShouldBe((0m, 0m));
        digest.Savings.ShouldBe("Routing: no routed requests this week. Caching: no cache hits this week.");
    }

    [Fact]
    public async Task A_digest_gives_the_teams_own_routing_and_cache_savings()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        foreach (var (model, input, output, tier) in new[] { ("acme-frontier", 10m, 30m, "frontier"), ("acme-small", 1m, 3m, "small") })
        {
            var added = await admin.PostAsJsonAsync("/api/v1/prices", new { provider = "acme", model, inputPerMTok = input, outputPerMTok = output, tier, effectiveFrom = Week.AddDays(-30) });
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        var project = await app.Database.ScalarAsync<int>("SELECT id FROM projects WHERE name = 'default'");
        var at = Week.AddDays(2).AddHours(10);
        // checkout/cart: one request routed to acme-small (1,000 in, 100 out: $0.0013; $0.013 at
        // acme-frontier's price) and one served from cache. search: the same, which is not checkout's.
        SpanRecord[] Requests(int trace, string team) =>
        [
            Routed(Root(project, trace, 1, "gateway", at, team, "cart")),
            Chat(project, trace, 2, 1, "gateway", at.AddSeconds(1), "acme", "acme-small", 0.0013m),
            CacheHit(Root(project, trace + 1, 1, "gateway", at.AddMinutes(1), team, "cart")),
        ];
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync([.. Requests(1, "checkout"), .. Requests(3, "search")]);
        await app.App.Services.GetRequiredService<RollupRunner>().RunAllAsync();

        var digest = await app.App.Services.GetRequiredService<WeeklyDigest>().BuildAsync("checkout", Week);

        digest.RoutingSavingsUsd.ShouldBe(0.0117m); // 0.013 - 0.0013
        // The cache hit is worth cart's average uncached request ($0.0013), less its own cost ($0).
        digest.CacheSavingsUsd.ShouldBe(0.0013m);
        digest.Savings.ShouldBe("Routing saved $0.0117 against sending the calls of routed requests to each provider's frontier model. Caching saved about $0.0013 over 1 cache-hit request.");
        WeeklyDigest.Message(digest).Text.ShouldContain("Routing saved $0.0117");
    }

    private static SpanRecord Routed(SpanRecord root)
    {
        root.RouteDecision = "acme-small";
        return root;
    }

    private static SpanRecord CacheHit(SpanRecord root)
    {
        root.CacheHit = true;
        return root;
    }

    [Fact]
    public async Task Anomalies_of_the_team_and_its_features_in_the_week_are_listed()
    {
        await using var app = await BudgetKit.StartAsync();
        await BudgetKit.AddSpanAsync(app, "checkout", 1m, feature: "cart", start: Week.AddDays(1));
        await app.Database.ExecuteAsync($"""
            INSERT INTO anomalies (project_id, dimension, key, hour, actual_usd, expected_usd, lower_usd, upper_usd, score) VALUES
                (1, 'feature', 'cart', '{Week.AddDays(1):o}', 9, 2, 1, 3, 0.97),
                (1, 'team', 'checkout', '{Week.AddDays(2):o}', 20, 10, 8, 12, 0.8),
                (1, 'team', 'search', '{Week.AddDays(2):o}', 20, 10, 8, 12, 0.99),
                (1, 'team', 'checkout', '{Week.AddDays(-2):o}', 20, 10, 8, 12, 0.99);
            """);

        var digest = await app.App.Services.GetRequiredService<WeeklyDigest>().BuildAsync("checkout", Week);

        digest.Anomalies.Select(a => $"{a.Dimension} {a.Key} {a.ActualUsd}/{a.ExpectedUsd}").ShouldBe(["feature cart 9/2", "team checkout 20/10"]);
    }

    [Fact]
    public async Task Sending_a_digest_now_posts_it_to_the_team_budget_webhook()
    {
        await using var receiver = new WebhookReceiver();
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        await BudgetKit.CreateBudgetAsync(admin, new { scope = "team", scopeKey = "checkout", period = "weekly", amountUsd = 40, webhookUrl = receiver.Url });
        await BudgetKit.AddSpanAsync(app, "checkout", 4m, feature: "cart");

        var response = await admin.PostAsync("/api/v1/digests/send?team=checkout", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(receiver.Bodies.Single()).RootElement;
        body.GetProperty("team").GetString().ShouldBe("checkout");
        body.GetProperty("spentUsd").GetDecimal().ShouldBe(4m);
        (await admin.PostAsync("/api/v1/digests/send?team=search", null)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }
}
