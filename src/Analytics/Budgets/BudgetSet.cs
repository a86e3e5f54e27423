namespace Tollgate.Analytics.Budgets;

/// <summary>
/// An immutable snapshot of every budget, indexed by what it limits, so that a governance check
/// finds the budgets of a request with at most four dictionary look-ups.
/// </summary>
public sealed class BudgetSet
{
    private readonly Dictionary<SpendKey, Budget[]> _byKey;
    private readonly Dictionary<string, int> _projectIds;

    public BudgetSet(IReadOnlyList<Budget> budgets)
    {
        All = budgets;
        _byKey = budgets.GroupBy(b => new SpendKey(b.ProjectId, b.Scope, b.ScopeKey ?? "")).ToDictionary(g => g.Key, g => g.ToArray());
        _projectIds = budgets.GroupBy(b => b.Project, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ProjectId, StringComparer.Ordinal);
    }

    public static BudgetSet Empty { get; } = new([]);

    public IReadOnlyList<Budget> All { get; }

    public bool HasKey(SpendKey key) => _byKey.ContainsKey(key);

    public Budget? Find(int id)
    {
        foreach (var budget in All)
        {
            if (budget.Id == id)
            {
                return budget;
            }
        }

        return null;
    }

    /// <summary>The project's id when it has any budget.</summary>
    public bool TryGetProjectId(string project, out int projectId) => _projectIds.TryGetValue(project, out projectId);

    public ReadOnlySpan<Budget> For(SpendKey key) => _byKey.TryGetValue(key, out var budgets) ? budgets : [];
}
