using Tollgate.Analytics.Rollups;

namespace Tollgate.Analytics.Jobs;

/// <summary>Brings the span rollups up to date with the spans written since their last run.</summary>
public sealed class RollupJob(RollupRunner rollups, RollupService spanRollups, JobRunner runner) : TollgateJob(runner)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken) =>
        (await rollups.RunAsync(spanRollups, cancellationToken)).RowsWritten;
}
