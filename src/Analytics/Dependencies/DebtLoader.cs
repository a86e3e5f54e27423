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
    public async Task<DebtReport> LoadAsync(QueryWindow window, CancellationToken cancellationToken = default)
    {
        var graph = await map.LoadAsync(window, cancellationToken);
        var hours = await DebtHourStore.LoadAsync(dataSource, window.ProjectId, UtcHour.Floor(window.From), UtcHour.Ceiling(window.To), cancellationToken);
        return OrchestrationDebt.Analyse(window.From, window.To, graph.Edges, hours);
    }
}
