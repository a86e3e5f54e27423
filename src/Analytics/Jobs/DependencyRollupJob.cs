using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Rollups;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Brings the dependency-edge rollup up to date: the hours touched by spans ingested since its own
/// watermark (late spans, re-priced spans included) are recomputed, as the span rollups are.
/// </summary>
public sealed class DependencyRollupJob(DependencyRollup rollup, IngestWatermark watermark, JobRunner runner) : TollgateJob(runner)
{
    public const string WatermarkName = "dependencies";

    protected override async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var (passStart, since) = await watermark.ReadAsync(WatermarkName, cancellationToken);
        var touched = await watermark.TouchedHoursAsync(since, cancellationToken);
        long rows = 0;
        foreach (var (from, to) in RollupService.Ranges(touched))
        {
            for (var start = from; start < to; start = start.AddHours(DependencyRollup.MaxHoursPerCall))
            {
                var end = start.AddHours(DependencyRollup.MaxHoursPerCall) < to ? start.AddHours(DependencyRollup.MaxHoursPerCall) : to;
                rows += await rollup.RecomputeHoursAsync(projectId: null, start, end, cancellationToken);
            }
        }

        await watermark.AdvanceAsync(WatermarkName, passStart, cancellationToken);
        return rows;
    }
}
