using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Budgets;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class DigestTests
{
    // A whole past week (and the one before it), inside the span partitions a fresh database has.
    private static readonly DateTime Week = BudgetPeriods.WeekStart(DateTime.UtcNow).AddDays(-14);

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
        digest.Savings.ShouldContain("not computed");
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
