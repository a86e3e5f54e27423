using Npgsql;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// Gathers the inputs of <see cref="OrchestrationDebt"/> from the dependency rollup: the period's
/// edges, and the debt figures of its hours (every trace whose first span started in them).
/// </summary>
public sealed class DebtLoader(NpgsqlDataSource dataSource, DependencyMap map)
{
    public async Task<DebtReport> LoadAsync(QueryWindow window, CancellationToken cancellationToken = default) =>
        (await LoadWithMapAsync(window, cancellationToken)).Debt;

    /// <summary>The period's map and its debt, read at the same time on two connections.</summary>
    public async Task<(DependencyGraph Graph, DebtReport Debt)> LoadWithMapAsync(QueryWindow window, CancellationToken cancellationToken = default)
    {
        var graphRead = map.LoadAsync(window, cancellationToken);
        var hoursRead = DebtHourStore.LoadAsync(dataSource, window.ProjectId, UtcHour.Floor(window.From), UtcHour.Ceiling(window.To), cancellationToken);
        await Task.WhenAll(graphRead, hoursRead);
        var graph = await graphRead;
        return (graph, OrchestrationDebt.Analyse(window.From, window.To, graph.Edges, await hoursRead));
    }
}
