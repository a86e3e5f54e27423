using Microsoft.Extensions.Logging;
using Tollgate.Analytics.Changes;

namespace Tollgate.Analytics.Rollups;

/// <summary>What a rollup pass did: hours recomputed and rollup rows written.</summary>
public readonly record struct RollupResult(int Hours, long RowsWritten);

/// <summary>
/// The one engine behind every rollup: reads the rollup's watermark, recomputes the hours that
/// spans written since then can have changed (<see cref="IngestWatermark.AffectedHoursAsync"/>),
/// then moves the watermark. A pass that dies half-way leaves the watermark where it was, so the
/// next pass recomputes the same hours again; each hour is replaced whole, so nothing is counted twice.
/// A pass that changed hours announces it, so that open pages reload their figures.
/// </summary>
public sealed class RollupRunner(IEnumerable<IHourlyRollup> rollups, IngestWatermark watermark, DataChangeNotices notices, ILogger<RollupRunner> logger)
{
    public IReadOnlyList<IHourlyRollup> Rollups { get; } = [.. rollups];

    /// <summary>Brings one rollup up to date.</summary>
    public async Task<RollupResult> RunAsync(IHourlyRollup rollup, CancellationToken cancellationToken = default)
    {
        var (passStart, since) = await watermark.ReadAsync(rollup.Name, cancellationToken);
        var affected = await watermark.AffectedHoursAsync(since, cancellationToken);
        var hours = 0;
        long rows = 0;
        foreach (var (from, to) in Ranges(affected))
        {
            rows += await rollup.RecomputeAsync(from, to, cancellationToken);
            hours += (int)(to - from).TotalHours;
        }

        await watermark.AdvanceAsync(rollup.Name, passStart, cancellationToken);
        if (hours > 0)
        {
            logger.LogInformation("Rollup {Rollup}: recomputed {Hours} hour(s), {Rows} rows", rollup.Name, hours, rows);
            await notices.PublishAsync(DataChange.Rollups, cancellationToken);
        }

        return new RollupResult(hours, rows);
    }

    /// <summary>Brings every rollup up to date, one after the other.</summary>
    public async Task<RollupResult> RunAllAsync(CancellationToken cancellationToken = default)
    {
        var total = new RollupResult(0, 0);
        foreach (var rollup in Rollups)
        {
            var result = await RunAsync(rollup, cancellationToken);
            total = new RollupResult(total.Hours + result.Hours, total.RowsWritten + result.RowsWritten);
        }

        return total;
    }

    /// <summary>Runs of consecutive hours as [from, to) ranges, so that a rollup reads the spans around a range once.</summary>
    internal static List<(DateTime From, DateTime To)> Ranges(IEnumerable<DateTime> hours)
    {
        var ranges = new List<(DateTime From, DateTime To)>();
        foreach (var hour in hours.Order())
        {
            if (ranges.Count > 0 && hour <= ranges[^1].To)
            {
                ranges[^1] = (ranges[^1].From, hour.AddHours(1) > ranges[^1].To ? hour.AddHours(1) : ranges[^1].To);
            }
            else
            {
                ranges.Add((hour, hour.AddHours(1)));
            }
        }

        return ranges;
    }
}
