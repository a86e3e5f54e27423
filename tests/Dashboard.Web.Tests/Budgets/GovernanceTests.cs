using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class GovernanceTests
{
    [Fact]
    public async Task Checks_allow_below_the_warning_threshold_warn_past_it_and_deny_past_the_budget()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var budget = await BudgetKit.CreateBudgetAsync(admin, new { name = "Checkout weekly", scope = "team", scopeKey = "checkout", period = "weekly", amountUsd = 100 });
        var id = budget.GetProperty("id").GetInt32();
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 40m);
        await BudgetKit.RefreshAsync(app);

        // 40 of 100 = 40%, and 40 + 30 = 70%: below the 80% warning threshold.
        var allow = await BudgetKit.CheckAsync(admin, new { team = "checkout", model = "gpt-5.5", estimatedCostUsd = 30 });
        allow.GetProperty("decision").GetString().ShouldBe("allow");
        allow.GetProperty("budgetId").GetInt32().ShouldBe(id);

        // 40 + 45 = 85% >= 80%: warn, and gpt-5.5 is a frontier model, so suggest the small tier.
        var warn = await BudgetKit.CheckAsync(admin, new { team = "checkout", model = "gpt-5.5", estimatedCostUsd = 45 });
        warn.GetProperty("decision").GetString().ShouldBe("warn");
        warn.GetProperty("budgetId").GetInt32().ShouldBe(id);
        warn.GetProperty("suggestedTier").GetString().ShouldBe("small");
        warn.GetProperty("reason").GetString()!.ShouldContain("Checkout weekly");

        // A small model has no cheaper tier to suggest.
        var warnSmall = await BudgetKit.CheckAsync(admin, new { team = "checkout", model = "gpt-5.4-mini", estimatedCostUsd = 45 });
        warnSmall.GetProperty("decision").GetString().ShouldBe("warn");
        (warnSmall.TryGetProperty("suggestedTier", out var tier) ? tier.GetString() : null).ShouldBeNull();

        // 40 + 60.01 = 100.01 > 100: the estimate pushes it over.
        var deny = await BudgetKit.CheckAsync(admin, new { team = "checkout", estimatedCostUsd = 60.01 });
        deny.GetProperty("decision").GetString().ShouldBe("deny");
        deny.GetProperty("reason").GetString()!.ShouldContain("would be exceeded");

        // Exactly 100%: still allowed to reach the budget, not to pass it.
        (await BudgetKit.CheckAsync(admin, new { team = "checkout", estimatedCostUsd = 60 })).GetProperty("decision").GetString().ShouldBe("warn");

        // 40 + 45 = 85 spent: warns without an estimate.
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 45m);
        await BudgetKit.RefreshAsync(app);
        (await BudgetKit.CheckAsync(admin, new { team = "checkout" })).GetProperty("decision").GetString().ShouldBe("warn");

        // 85 + 15 = 100 spent: exceeded, every call is denied.
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 15m);
        await BudgetKit.RefreshAsync(app);
        var exceeded = await BudgetKit.CheckAsync(admin, new { team = "checkout", estimatedCostUsd = 0 });
        exceeded.GetProperty("decision").GetString().ShouldBe("deny");
        exceeded.GetProperty("reason").GetString()!.ShouldContain("is exceeded");

        // Other teams are not limited by this budget.
        var other = await BudgetKit.CheckAsync(admin, new { team = "search", estimatedCostUsd = 1000 });
        other.GetProperty("decision").GetString().ShouldBe("allow");
        (other.TryGetProperty("budgetId", out var none) && none.ValueKind != System.Text.Json.JsonValueKind.Null).ShouldBeFalse();
    }

    [Fact]
    public async Task The_most_severe_of_the_matching_budgets_decides_and_is_named()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        var total = (await BudgetKit.CreateBudgetAsync(admin, new { scope = "total", period = "monthly", amountUsd = 1000 })).GetProperty("id").GetInt32();
        var feature = (await BudgetKit.CreateBudgetAsync(admin, new { scope = "feature", scopeKey = "summarise", period = "weekly", amountUsd = 10 })).GetProperty("id").GetInt32();
        var customer = (await BudgetKit.CreateBudgetAsync(admin, new { scope = "customer", scopeKey = "acme", period = "weekly", amountUsd = 20 })).GetProperty("id").GetInt32();
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 9m, feature: "summarise", customer: "acme");
        await BudgetKit.RefreshAsync(app);

        // Total: 9 + 2 = 11 of 1000, allow. Feature: 9 + 2 = 11 > 10, deny. Customer: 11 of 20 = 55%, allow.
        var check = await BudgetKit.CheckAsync(admin, new { team = "checkout", feature = "summarise", customer = "acme", estimatedCostUsd = 2 });
        check.GetProperty("decision").GetString().ShouldBe("deny");
        check.GetProperty("budgetId").GetInt32().ShouldBe(feature);

        // Customer: 9 + 8 = 17 of 20 = 85%, warn; feature not asked about; total 17 of 1000.
        var customerOnly = await BudgetKit.CheckAsync(admin, new { customer = "acme", estimatedCostUsd = 8 });
        customerOnly.GetProperty("decision").GetString().ShouldBe("warn");
        customerOnly.GetProperty("budgetId").GetInt32().ShouldBe(customer);

        // Only the total applies: 9 of 1000, allow, naming the total budget.
        (await BudgetKit.CheckAsync(admin, new { })).GetProperty("budgetId").GetInt32().ShouldBe(total);
    }

    [Fact]
    public async Task A_new_budget_applies_to_the_next_check_at_once()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        await BudgetKit.AddSpanAsync(app, "checkout", providedCost: 6m);
        await BudgetKit.RefreshAsync(app);
        (await BudgetKit.CheckAsync(admin, new { team = "checkout" })).GetProperty("decision").GetString().ShouldBe("allow");

        await BudgetKit.CreateBudgetAsync(admin, new { scope = "team", scopeKey = "checkout", period = "monthly", amountUsd = 5 });

        // 6 spent of 5: exceeded, with no refresh in between.
        (await BudgetKit.CheckAsync(admin, new { team = "checkout" })).GetProperty("decision").GetString().ShouldBe("deny");
    }

    [Fact]
    public async Task A_negative_estimate_is_refused()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);

        var response = await admin.PostAsJsonAsync("/api/v1/governance/check", new { team = "checkout", estimatedCostUsd = -1 });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
