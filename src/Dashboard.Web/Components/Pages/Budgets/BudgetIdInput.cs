namespace Tollgate.Dashboard.Web.Components.Pages.Budgets;

/// <summary>The one field of the delete and test-alert forms: which budget.</summary>
public sealed class BudgetIdInput
{
    public int Id { get; set; }
}
