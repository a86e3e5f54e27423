using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class BudgetsApiTests
{
    [Fact]
    public async Task Budget_status_equals_the_hand_computed_spend_of_billing_spans_in_scope()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var budget = await BudgetKit.CreateBudgetAsync(admin, new { scope = "team", scopeKey = "checkout", period = "weekly", amountUsd = 10 });
        var id = budget.GetProperty("id").GetInt32();
        budget.GetProperty("thresholds").EnumerateArray().Select(t => t.GetDecimal()).ShouldBe([0.5m, 0.8m, 1.0m]);

        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 1.25m, computedCost: 9m); // provided wins: 1.25
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: null, computedCost: 0.75m); // computed: 0.75
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 5m, billing: false); // not billing: 0
        await BudgetKit.AddSpanAsync(app, "search", providedCost: 3m); // another team: 0
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 4m, start: DateTime.UtcNow.AddDays(-8)); // last week or earlier: 0
        await BudgetKit.RefreshAsync(app);
        await BudgetKit.RefreshAsync(app);

        // 1.25 + 0.75 = 2.00 of 10 = 20%, below the 50% threshold.
        var status = await BudgetKit.StatusAsync(admin, id);
        status.GetProperty("spentUsd").GetDecimal().ShouldBe(2.00m);
        status.GetProperty("percentUsed").GetDecimal().ShouldBe(20m);
        status.GetProperty("state").GetString().ShouldBe("ok");
        var periodStart = status.GetProperty("periodStart").GetDateTime();
        periodStart.DayOfWeek.ShouldBe(DayOfWeek.Monday);
        periodStart.TimeOfDay.ShouldBe(TimeSpan.Zero);
        (status.GetProperty("periodEnd").GetDateTime() - periodStart).ShouldBe(TimeSpan.FromDays(7));

        // Burn rate: all 2.00 within the last 24 h, so rate = 3 x 2.00 / (6 x 24) per hour, times the hours left.
        var hoursLeft = (decimal)(status.GetProperty("periodEnd").GetDateTime().ToUniversalTime() - DateTime.UtcNow).TotalHours;
        status.GetProperty("forecastUsd").GetDecimal().ShouldBe(2.00m + (3m * 2.00m / 144m * hoursLeft), 0.01m);

        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 3m);
        await BudgetKit.RefreshAsync(app);

        // 2.00 + 3.00 = 5.00 = 50%: warning from the lowest threshold below 1.
        status = await BudgetKit.StatusAsync(admin, id);
        status.GetProperty("spentUsd").GetDecimal().ShouldBe(5.00m);
        status.GetProperty("state").GetString().ShouldBe("warning");

        // Re-pricing changes a cost without new ingestion: only the full reload sees it.
        await app.Database.ExecuteAsync("UPDATE spans SET computed_cost_usd = 5.75 WHERE provided_cost_usd IS NULL");
        await BudgetKit.RefreshAsync(app);
        (await BudgetKit.StatusAsync(admin, id)).GetProperty("spentUsd").GetDecimal().ShouldBe(5.00m);
        await BudgetKit.Tracker(app).ReloadAsync();

        // 1.25 + 5.75 + 3.00 = 10.00 = 100%: exceeded.
        status = await BudgetKit.StatusAsync(admin, id);
        status.GetProperty("spentUsd").GetDecimal().ShouldBe(10.00m);
        status.GetProperty("percentUsed").GetDecimal().ShouldBe(100m);
        status.GetProperty("state").GetString().ShouldBe("exceeded");
    }

    [Fact]
    public async Task Budgets_are_listed_replaced_and_deleted_with_an_audit_entry_for_each_change()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var created = await BudgetKit.CreateBudgetAsync(admin, new { name = "Platform", scope = "total", period = "monthly", amountUsd = 500, thresholds = new[] { 0.9, 0.25 } });
        var id = created.GetProperty("id").GetInt32();
        created.GetProperty("thresholds").EnumerateArray().Select(t => t.GetDecimal()).ShouldBe([0.25m, 0.9m]);

        var updated = await admin.PutAsJsonAsync($"/api/v1/budgets/{id}", new { name = "Platform", scope = "total", period = "monthly", amountUsd = 750 });
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/budgets");
        list.EnumerateArray().Single().GetProperty("amountUsd").GetDecimal().ShouldBe(750m);

        (await admin.DeleteAsync($"/api/v1/budgets/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetAsync($"/api/v1/budgets/{id}/status")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.DeleteAsync($"/api/v1/budgets/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await app.Database.ScalarAsync<string>($"""
            SELECT string_agg(actor || ' ' || action || ' ' || coalesce(before->>'amountUsd', '-') || '->' || coalesce(after->>'amountUsd', '-'), ';' ORDER BY id)
            FROM audit_log WHERE subject = 'budgets/{id}'
            """)).ShouldBe("api-key:bootstrap budgets.add -->500;api-key:bootstrap budgets.update 500->750;api-key:bootstrap budgets.delete 750->-");

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=budgets&limit=2");
        audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ShouldBe(["budgets.delete", "budgets.update"]);
    }

    [Fact]
    public async Task Invalid_budgets_are_refused_with_a_field_error_each()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);

        var response = await admin.PostAsJsonAsync("/api/v1/budgets", new
        {
            scope = "team", period = "daily", amountUsd = 0, thresholds = new[] { 0.5, 11 }, webhookUrl = "ftp://x", emailRecipients = new[] { "finops@example.com" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Order().ShouldBe(["amountUsd", "emailRecipients", "period", "scopeKey", "thresholds", "webhookUrl"]);
        errors.GetProperty("emailRecipients")[0].GetString()!.ShouldContain("Tollgate:Smtp:Host");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM budgets")).ShouldBe(0);
    }

    [Fact]
    public async Task Only_admins_change_budgets_but_every_key_reads_them()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var keyResponse = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "viewer-script", role = "viewer" });
        var viewerKey = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);

        (await viewer.PostAsJsonAsync("/api/v1/budgets", new { scope = "total", period = "weekly", amountUsd = 5 })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await BudgetKit.CreateBudgetAsync(admin, new { scope = "total", period = "weekly", amountUsd = 5 });
        (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/budgets")).GetArrayLength().ShouldBe(1);
        (await viewer.GetAsync("/api/v1/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await BudgetKit.CheckAsync(viewer, new { team = "checkout" })).GetProperty("decision").GetString().ShouldBe("allow");
    }
}
