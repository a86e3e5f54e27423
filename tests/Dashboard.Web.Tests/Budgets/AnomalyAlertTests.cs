using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Anomalies;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class AnomalyAlertTests
{
    [Fact]
    public async Task A_team_cost_spike_goes_out_once_through_that_teams_budget_channels()
    {
        await using var receiver = new WebhookReceiver();
        await using var other = new WebhookReceiver();
        await using var app = await BudgetKit.StartAsync(new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        using var admin = app.CreateClient(withAdminKey: true);
        await BudgetKit.CreateBudgetAsync(admin, new { name = "Search monthly", scope = "team", scopeKey = "search", period = "monthly", amountUsd = 100000, webhookUrl = receiver.Url });
        await BudgetKit.CreateBudgetAsync(admin, new { name = "Billing monthly", scope = "team", scopeKey = "billing", period = "monthly", amountUsd = 100000, webhookUrl = other.Url });
        await BudgetKit.RefreshAsync(app);
        var now = DateTime.UtcNow;
        var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        var start = end.AddDays(-21);
        await app.App.Services.GetRequiredService<SpanPartitions>().EnsureAsync(start, end);
        // Three weeks of two teams with a daily wave; search costs $5 more two hours before the end.
        await app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing, team, feature, model, computed_cost_usd)
            SELECT (SELECT min(id) FROM projects), decode(md5(h::text || t), 'hex'), substr(decode(md5(t || h::text), 'hex'), 1, 8), 'chat', 3,
                   timestamptz '{start:yyyy-MM-dd HH:mm:ss}+00' + h * interval '1 hour' + interval '5 minutes',
                   timestamptz '{start:yyyy-MM-dd HH:mm:ss}+00' + h * interval '1 hour' + interval '6 minutes', 0, true, t, 'answers', 'gpt-x',
                   base * (1 + 0.3 * sin(2 * pi() * h / 24)) + 0.01 * ((h * 7919) % 13 - 6) + CASE WHEN t = 'search' AND h = {(21 * 24) - 2} THEN 5 ELSE 0 END
            FROM generate_series(0, {(21 * 24) - 1}) AS h, (VALUES ('search', 1.0), ('billing', 0.5)) AS teams(t, base)
            """);
        var notifier = app.App.Services.GetRequiredService<AnomalyNotifier>();

        await app.App.Services.GetRequiredService<AnomalyScanner>().ScanAsync(null, end, CancellationToken.None);
        var queued = await notifier.RunAsync();
        await app.App.Services.GetRequiredService<AnomalyScanner>().ScanAsync(null, end, CancellationToken.None);
        var queuedAgain = await notifier.RunAsync();
        // The receiver has the body before the sender reads its answer and records the delivery.
        await Eventually.TrueAsync(async () =>
            await app.Database.ScalarAsync<string>("SELECT status FROM alert_deliveries WHERE anomaly_id IS NOT NULL") == "delivered", TimeSpan.FromSeconds(20), "The delivery");

        queued.ShouldBe(1);
        queuedAgain.ShouldBe(0);
        receiver.Requests.ShouldBe(1);
        other.Requests.ShouldBe(0);
        var body = JsonDocument.Parse(receiver.Bodies[0]).RootElement;
        body.GetProperty("kind").GetString().ShouldBe("anomaly");
        body.GetProperty("dimension").GetString().ShouldBe("team");
        body.GetProperty("key").GetString().ShouldBe("search");
        body.GetProperty("hour").GetDateTime().ShouldBe(end.AddHours(-2));
        // The spike hour costs the wave's value plus $5, so at least $5.
        body.GetProperty("actualUsd").GetDouble().ShouldBeGreaterThan(5);
    }

    [Fact]
    public async Task A_mix_anomaly_of_a_model_goes_out_once_through_the_projects_total_budget_with_its_kind_and_explanation()
    {
        await using var receiver = new WebhookReceiver();
        await using var teamReceiver = new WebhookReceiver();
        await using var app = await BudgetKit.StartAsync(new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        using var admin = app.CreateClient(withAdminKey: true);
        await BudgetKit.CreateBudgetAsync(admin, new { name = "Project monthly", scope = "total", period = "monthly", amountUsd = 100000, webhookUrl = receiver.Url });
        await BudgetKit.CreateBudgetAsync(admin, new { name = "Search monthly", scope = "team", scopeKey = "search", period = "monthly", amountUsd = 100000, webhookUrl = teamReceiver.Url });
        await BudgetKit.RefreshAsync(app);
        var now = DateTime.UtcNow;
        var hour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(-2);
        await app.Database.ExecuteAsync($"""
            INSERT INTO anomalies (project_id, dimension, key, hour, actual_usd, expected_usd, lower_usd, upper_usd, score, kind, detector, explanation)
            VALUES ((SELECT min(id) FROM projects), 'model', 'frontier', '{hour:yyyy-MM-dd HH:mm:ss}+00', 4.0, 1.6, 1.4, 1.9, 0.8, 'mix', 'mix',
                    'Mix shift: model ''frontier'' took 50% of the hour''s $8.00 (usually 20%, range 17% to 23%).')
            """);
        var notifier = app.App.Services.GetRequiredService<AnomalyNotifier>();

        var queued = await notifier.RunAsync();
        var queuedAgain = await notifier.RunAsync();
        await Eventually.TrueAsync(async () =>
            await app.Database.ScalarAsync<string>("SELECT status FROM alert_deliveries WHERE anomaly_id IS NOT NULL") == "delivered", TimeSpan.FromSeconds(20), "The delivery");

        queued.ShouldBe(1);
        queuedAgain.ShouldBe(0);
        receiver.Requests.ShouldBe(1);
        teamReceiver.Requests.ShouldBe(0);
        var body = JsonDocument.Parse(receiver.Bodies[0]).RootElement;
        body.GetProperty("anomalyKind").GetString().ShouldBe("mix");
        body.GetProperty("detector").GetString().ShouldBe("mix");
        body.GetProperty("dimension").GetString().ShouldBe("model");
        body.GetProperty("key").GetString().ShouldBe("frontier");
        body.GetProperty("explanation").GetString()!.ShouldContain("took 50% of the hour's $8.00");
    }

    [Fact]
    public void A_mix_alert_names_the_key_whose_share_moved_and_says_why()
    {
        var body = new AnomalyAlertBody("anomaly", "shop", "model", "frontier", new DateTime(2026, 10, 25, 10, 0, 0, DateTimeKind.Utc), 4.0, 1.6, 1.9, 0.8,
            null, "http://tollgate.example/", AnomalyKinds.Mix, AnomalyDetectors.Mix, "Mix shift: model 'frontier' took 50% of the hour's $8.00 (usually 20%, range 17% to 23%).");

        var message = AnomalyNotifier.Message(body);

        message.Subject.ShouldBe("Spend mix anomaly: model 'frontier' in project 'shop' took $4.00 in the hour from 2026-10-25 10:00 UTC (expected $1.60 of that hour's spend)");
        message.Text.ShouldContain("took 50% of the hour's $8.00 (usually 20%");
    }
}
