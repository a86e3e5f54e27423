namespace Tollgate.Analytics.Budgets;

/// <summary>
/// A budget's current period at a glance (CONTRACT: status). <see cref="PercentUsed"/> is spend as a
/// percentage of the amount (62.5 means 62.5%); the state is warning from the lowest threshold
/// below 1 and exceeded from 100%.
/// </summary>
public sealed record BudgetStatus(int BudgetId, decimal SpentUsd, decimal ForecastUsd, decimal PercentUsed, string State, DateTime PeriodStart, DateTime PeriodEnd)
{
    public const string Ok = "ok";
    public const string Warning = "warning";
    public const string Exceeded = "exceeded";

    public static BudgetStatus Of(Budget budget, BudgetFigures figures)
    {
        var fraction = figures.SpentUsd / budget.AmountUsd;
        var state = fraction >= 1m ? Exceeded
            : budget.WarningFrom is { } warnFrom && fraction >= warnFrom ? Warning
            : Ok;
        return new BudgetStatus(budget.Id, figures.SpentUsd, Math.Round(figures.ForecastUsd, 6), Math.Round(fraction * 100m, 4), state, figures.PeriodStart, figures.PeriodEnd);
    }
}
