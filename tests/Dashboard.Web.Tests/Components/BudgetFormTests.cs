using Tollgate.Dashboard.Web.Components.Pages.Budgets;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class BudgetFormTests
{
    [Fact]
    public void A_valid_form_becomes_a_definition_with_thresholds_as_fractions()
    {
        var form = new BudgetForm { Scope = "team", ScopeKey = " checkout ", Period = "weekly", AmountUsd = 250m, Thresholds = "80, 50%,120" };

        var (definition, problems) = BudgetsViewModel.Check(form, "default", smtpConfigured: false);

        problems.ShouldBeEmpty();
        definition.ShouldNotBeNull();
        // 50 % → 0.5, 80 % → 0.8, 120 % → 1.2, sorted.
        definition.Thresholds.ShouldBe([0.5m, 0.8m, 1.2m]);
        (definition.Scope, definition.ScopeKey, definition.Period, definition.AmountUsd, definition.Name).ShouldBe(("team", "checkout", "weekly", 250m, "checkout weekly"));
    }

    [Fact]
    public void An_edited_budget_shows_its_thresholds_as_percentages()
    {
        var form = BudgetForm.Of(new Analytics.Budgets.Budget(7, 1, "default", "Checkout", "team", "checkout", "monthly", 100m, [0.5m, 0.75m, 1m],
            null, null, ["a@example.com", "b@example.com"], "admin", DateTime.UtcNow, DateTime.UtcNow));

        (form.Id, form.Thresholds, form.EmailRecipients).ShouldBe((7, "50, 75, 100", "a@example.com, b@example.com"));
    }

    [Fact]
    public void Thresholds_over_ten_times_the_amount_are_refused_in_percent_terms()
    {
        var form = new BudgetForm { Scope = "total", Period = "monthly", AmountUsd = 10m, Thresholds = "50, 1500" };

        var (_, problems) = BudgetsViewModel.Check(form, "default", smtpConfigured: false);

        problems["Thresholds"].ShouldBe("Give up to 10 thresholds as percentages above 0 and at most 1000, for example 50, 80, 100.");
    }
}
