using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Budgets;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class AlertTests
{
    [Fact]
    public async Task A_webhook_that_fails_twice_gets_the_alert_on_the_third_attempt_and_every_attempt_is_logged()
    {
        await using var receiver = new WebhookReceiver(failures: 2);
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var id = (await BudgetKit.CreateBudgetAsync(admin, new
        {
            name = "Checkout weekly", scope = "team", scopeKey = "checkout", period = "weekly", amountUsd = 10, thresholds = new[] { 0.5 }, webhookUrl = receiver.Url,
        })).GetProperty("id").GetInt32();
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 4m, feature: "cart-summary", model: "gpt-5.5");
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 2m, feature: "refunds", model: "gpt-5.4-mini");
        await BudgetKit.RefreshAsync(app);

        await app.App.Services.GetRequiredService<BudgetEvaluator>().RunAsync();
        await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<string>("SELECT status FROM alert_deliveries") == "delivered", TimeSpan.FromSeconds(20), "The delivery");

        receiver.Requests.ShouldBe(3);
        (await app.Database.ScalarAsync<string>("SELECT string_agg(attempt || ':' || succeeded || ':' || status_code, ',' ORDER BY attempt) FROM alert_delivery_attempts"))
            .ShouldBe("1:false:500,2:false:500,3:true:200");
        (await app.Database.ScalarAsync<int>("SELECT attempts FROM alert_deliveries")).ShouldBe(3);

        // The body names the budget, the threshold and the spend: 4 + 2 = 6 of 10 = 60%.
        using var body = JsonDocument.Parse(receiver.Bodies[^1]);
        var root = body.RootElement;
        root.GetProperty("kind").GetString().ShouldBe("budget.alert");
        root.GetProperty("budget").GetProperty("name").GetString().ShouldBe("Checkout weekly");
        root.GetProperty("scope").GetProperty("key").GetString().ShouldBe("checkout");
        root.GetProperty("threshold").GetDecimal().ShouldBe(0.5m);
        root.GetProperty("spentUsd").GetDecimal().ShouldBe(6m);
        root.GetProperty("percentUsed").GetDecimal().ShouldBe(60m);
        root.GetProperty("link").GetString()!.ShouldEndWith($"/budgets/{id}");
        var contributors = root.GetProperty("topContributors").EnumerateArray()
            .Select(c => $"{c.GetProperty("dimension").GetString()} {c.GetProperty("key").GetString()} {c.GetProperty("spentUsd").GetDecimal().ToString(CultureInfo.InvariantCulture)}");
        contributors.ShouldBe(["team checkout 6", "model gpt-5.5 4", "model gpt-5.4-mini 2", "feature cart-summary 4", "feature refunds 2"]);

        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/budgets/{id}/alerts");
        var delivery = history.EnumerateArray().Single().GetProperty("deliveries").EnumerateArray().Single();
        delivery.GetProperty("status").GetString().ShouldBe("delivered");
        delivery.GetProperty("attemptLog").GetArrayLength().ShouldBe(3);
        delivery.GetProperty("attemptLog")[0].GetProperty("error").GetString()!.ShouldContain("500");
    }

    [Fact]
    public async Task An_email_alert_names_the_budget_and_its_top_contributors()
    {
        await using var sink = new SmtpSink();
        await using var app = await BudgetKit.StartAsync(new Dictionary<string, string>
        {
            ["Tollgate:Smtp:Host"] = "127.0.0.1",
            ["Tollgate:Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Tollgate:Smtp:From"] = "tollgate@example.com",
        });
        using var admin = app.CreateClient(withAdminKey: true);
        await BudgetKit.CreateBudgetAsync(admin, new
        {
            name = "Search monthly", scope = "team", scopeKey = "search", period = "monthly", amountUsd = 10, thresholds = new[] { 0.8 }, emailRecipients = new[] { "finops@example.com" },
        });
        await BudgetKit.AddSpanAsync(app, "search", providedCost: 8.5m, feature: "semantic-rerank");
        await BudgetKit.RefreshAsync(app);

        await app.App.Services.GetRequiredService<BudgetEvaluator>().RunAsync();
        await Eventually.TrueAsync(() => Task.FromResult(sink.Messages.Count > 0), TimeSpan.FromSeconds(20), "The mail");
        await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<string>("SELECT status FROM alert_deliveries") == "delivered", TimeSpan.FromSeconds(20), "The delivery");

        var (from, to, data) = sink.Messages.Single();
        from.ShouldContain("tollgate@example.com");
        to.ShouldBe(["<finops@example.com>"]);
        data.ShouldContain("Search monthly");
        data.ShouldContain("semantic-rerank");
        data.ShouldContain("$8.50");
    }

    [Fact]
    public async Task Evaluating_many_times_from_two_processes_raises_each_crossed_threshold_once()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var id = (await BudgetKit.CreateBudgetAsync(admin, new { scope = "total", period = "weekly", amountUsd = 100 })).GetProperty("id").GetInt32();
        var first = app.App.Services.GetRequiredService<BudgetEvaluator>();
        // A second evaluator has its own memory of raised alerts, as another dashboard process would.
        var second = ActivatorUtilities.CreateInstance<BudgetEvaluator>(app.App.Services);

        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 55m);
        await BudgetKit.RefreshAsync(app);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? first.RunAsync() : second.RunAsync()));
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 30m);
        await BudgetKit.RefreshAsync(app);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? first.RunAsync() : second.RunAsync()));

        // 55 crossed 50%, 55 + 30 = 85 crossed 80%; 100% not reached.
        (await app.Database.ScalarAsync<string>($"SELECT string_agg(threshold::text, ',' ORDER BY threshold) FROM budget_alerts WHERE budget_id = {id}"))
            .ShouldBe("0.5000,0.8000");
        (await first.RunAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_pending_delivery_is_sent_after_a_restart()
    {
        var database = await TestDatabase.CreateAsync();
        var unreachable = $"http://127.0.0.1:{FreePort.Next()}/hook/";
        var app = await BudgetKit.StartAsync(database: database);
        using (var admin = app.CreateClient(withAdminKey: true))
        {
            var id = (await BudgetKit.CreateBudgetAsync(admin, new { scope = "total", period = "weekly", amountUsd = 10, webhookUrl = unreachable })).GetProperty("id").GetInt32();
            await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 6m);
            await BudgetKit.RefreshAsync(app);
            await app.App.Services.GetRequiredService<BudgetEvaluator>().RunAsync();
            await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<int>("SELECT attempts FROM alert_deliveries") >= 1, TimeSpan.FromSeconds(20), "The first attempt");
        }

        await app.App.StopAsync();
        await app.App.DisposeAsync();

        // The same address now answers: the restarted process finds the pending row and delivers it.
        await using var receiver = new WebhookReceiverAt(unreachable);
        await using var restarted = await BudgetKit.StartAsync(database: database);
        await Eventually.TrueAsync(async () => await restarted.Database.ScalarAsync<string>("SELECT status FROM alert_deliveries") == "delivered", TimeSpan.FromSeconds(20), "The delivery");
        (await restarted.Database.ScalarAsync<long>("SELECT count(*) FROM alert_delivery_attempts WHERE succeeded")).ShouldBe(1);
        (await restarted.Database.ScalarAsync<long>("SELECT count(*) FROM alert_delivery_attempts WHERE NOT succeeded")).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_test_alert_goes_through_every_channel_of_the_budget()
    {
        await using var receiver = new WebhookReceiver();
        await using var slack = new WebhookReceiver();
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var id = (await BudgetKit.CreateBudgetAsync(admin, new { name = "Ops", scope = "total", period = "weekly", amountUsd = 10, webhookUrl = receiver.Url, slackWebhookUrl = slack.Url }))
            .GetProperty("id").GetInt32();

        var response = await admin.PostAsync($"/api/v1/budgets/{id}/test-alert", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("succeeded").GetBoolean()).ShouldBe([true, true]);
        JsonDocument.Parse(receiver.Bodies.Single()).RootElement.GetProperty("kind").GetString().ShouldBe("budget.test");
        JsonDocument.Parse(slack.Bodies.Single()).RootElement.GetProperty("text").GetString()!.ShouldContain("Test message from Tollgate budget 'Ops'");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM budget_alerts")).ShouldBe(0);
    }

    /// <summary>A receiver on a given address, for a test that learns the address before it listens.</summary>
    private sealed class WebhookReceiverAt(string url) : IAsyncDisposable
    {
        private readonly HttpListener _listener = Start(url);

        private static HttpListener Start(string url)
        {
            var listener = new HttpListener();
            listener.Prefixes.Add(url);
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    try
                    {
                        var context = await listener.GetContextAsync();
                        context.Response.StatusCode = 200;
                        context.Response.Close();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
            return listener;
        }

        public ValueTask DisposeAsync()
        {
            _listener.Close();
            return ValueTask.CompletedTask;
        }
    }
}
