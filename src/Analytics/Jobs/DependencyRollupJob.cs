using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Rollups;

namespace Tollgate.Analytics.Jobs;

/// <summary>Brings the dependency-edge rollup up to date with the spans written since its last run.</summary>
public sealed class DependencyRollupJob(RollupRunner rollups, DependencyRollup edges, JobRunner runner) : TollgateJob(runner)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken) =>
        (await rollups.RunAsync(edges, cancellationToken)).RowsWritten;
}
