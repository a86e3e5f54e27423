using Tollgate.Analytics.Budgets;

namespace Tollgate.Analytics.Tests.Budgets;

public sealed class BudgetRulesTests
{
    private static DateTime Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Weekly_periods_start_on_monday_at_midnight_utc_and_monthly_ones_on_the_first()
    {
        // 2026-11-22 is a Sunday: its ISO week started on Monday 2026-11-16.
        BudgetPeriods.Containing(BudgetPeriods.Weekly, Utc(2026, 11, 22, 23)).ShouldBe((Utc(2026, 11, 16), Utc(2026, 11, 23)));
        BudgetPeriods.Containing(BudgetPeriods.Weekly, Utc(2026, 11, 16)).ShouldBe((Utc(2026, 11, 16), Utc(2026, 11, 23)));
        // A week across a year end: 2027-01-01 is a Friday.
        BudgetPeriods.Containing(BudgetPeriods.Weekly, Utc(2027, 1, 1)).ShouldBe((Utc(2026, 12, 28), Utc(2027, 1, 4)));
        BudgetPeriods.Containing(BudgetPeriods.Monthly, Utc(2026, 2, 28, 23)).ShouldBe((Utc(2026, 2, 1), Utc(2026, 3, 1)));
    }

    [Fact]
    public void The_forecast_adds_the_weighted_hourly_rate_for_the_hours_left_and_never_falls_below_spend()
    {
        // Last day 48, day before 24, the one before 0: (3 x 48 + 2 x 24 + 0) / (6 x 24) = 192 / 144 per hour.
        var rate = BurnRate.HourlyRate(48m, 24m, 0m);
        rate.ShouldBe(192m / 144m);

        // 10 hours left: 100 + 10 x 192/144 = 113.33...
        BurnRate.Forecast(100m, rate, Utc(2026, 11, 22, 14), Utc(2026, 11, 23)).ShouldBe(100m + (10m * 192m / 144m));
        BurnRate.Forecast(100m, rate, Utc(2026, 11, 23, 1), Utc(2026, 11, 23)).ShouldBe(100m);
    }

    [Fact]
    public void Thresholds_default_to_half_four_fifths_and_all_and_are_sorted_when_given()
    {
        var (defaulted, _) = BudgetRules.Check(new BudgetInput(null, null, "total", null, "weekly", 10m, null, null, null, null), "default", smtpConfigured: false);
        defaulted!.Thresholds.ShouldBe([0.5m, 0.8m, 1.0m]);
        defaulted.Project.ShouldBe("default");

        var (sorted, _) = BudgetRules.Check(new BudgetInput(null, "x", "team", "a", "monthly", 10m, [1.2m, 0.3m, 0.3m], null, null, null), "default", smtpConfigured: false);
        sorted!.Thresholds.ShouldBe([0.3m, 1.2m]);
    }

    [Fact]
    public void A_budget_warns_from_its_lowest_threshold_below_one_and_governance_from_its_highest()
    {
        var budget = new Budget(1, 1, "default", "b", BudgetScopes.Total, null, BudgetPeriods.Weekly, 100m, [0.5m, 0.8m, 1.0m, 1.5m], null, null, [], "t", default, default);

        budget.WarningFrom.ShouldBe(0.5m);
        budget.GovernanceWarnFrom.ShouldBe(0.8m);
        (budget with { Thresholds = [1.0m] }).WarningFrom.ShouldBeNull();
    }

    [Fact]
    public void Spend_of_an_earlier_period_is_ignored_and_a_later_period_starts_afresh()
    {
        var spend = new KeySpend();
        spend.Add(Utc(2026, 11, 17, 9), 2m);
        spend.Add(Utc(2026, 11, 18, 9), 3m);
        spend.Spent(BudgetPeriods.Weekly, Utc(2026, 11, 16)).ShouldBe(5m); // 2 + 3

        spend.Add(Utc(2026, 11, 23, 1), 7m); // the next week
        spend.Add(Utc(2026, 11, 20, 1), 100m); // the week before it: too late to count
        spend.Spent(BudgetPeriods.Weekly, Utc(2026, 11, 23)).ShouldBe(7m);
        spend.Spent(BudgetPeriods.Weekly, Utc(2026, 11, 16)).ShouldBe(0m);
        spend.Spent(BudgetPeriods.Monthly, Utc(2026, 11, 1)).ShouldBe(112m); // 2 + 3 + 7 + 100, all November
        // The 100 lies exactly 72 h before the 7: outside the three-day ring, so not in the burn rate.
        spend.LastHours(Utc(2026, 11, 23, 1), 24).ShouldBe(7m);
        spend.LastHours(Utc(2026, 11, 23, 1), 24, skipHours: 48).ShouldBe(0m);
    }
}
