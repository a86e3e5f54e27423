using Tollgate.Analytics.Rollups;

namespace Tollgate.Analytics.Jobs;

/// <summary>Brings the rollup tables up to date with the spans written since its last run.</summary>
public sealed class RollupJob(RollupService rollups, JobRunner runner) : TollgateJob(runner)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken) =>
        (await rollups.RunAsync(cancellationToken)).RowsWritten;
}
