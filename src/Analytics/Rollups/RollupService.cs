using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Rollups;

/// <summary>What a rollup pass did: hours recomputed and rollup rows written.</summary>
public readonly record struct RollupResult(int Hours, long RowsWritten);

/// <summary>
/// Keeps the rollup tables in step with the span table. Incremental: the hours touched by spans
/// ingested (or re-priced, or re-attributed: those bump ingested_at too) since the watermark are
/// recomputed whole, delete + insert in one transaction, then the daily rows of their days are
/// derived again from the hourly ones. Recomputing an hour twice yields identical rows.
/// </summary>
public sealed class RollupService(NpgsqlDataSource dataSource, IngestWatermark watermark, PriceStore prices, ILogger<RollupService> logger)
{
    public const string WatermarkName = "rollups";

    /// <summary>At most this many hours are recomputed in one transaction, to keep transactions short.</summary>
    public const int MaxHoursPerTransaction = 24;

    // Serialises passes across instances even outside the scheduler ("rollups" in ASCII).
    private const long RollupLockKey = 0x726f6c6c757073;

    /// <summary>Recomputes the hours touched since the last pass and moves the watermark.</summary>
    public async Task<RollupResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var (passStart, since) = await watermark.ReadAsync(WatermarkName, cancellationToken);
        var touched = await watermark.TouchedHoursAsync(since, cancellationToken);
        var hours = 0;
        long rows = 0;
        foreach (var (from, to) in Ranges(touched))
        {
            var result = await RecomputeAsync(from, to, cancellationToken);
            hours += result.Hours;
            rows += result.RowsWritten;
        }

        await watermark.AdvanceAsync(WatermarkName, passStart, cancellationToken);

        if (hours > 0)
        {
            logger.LogInformation("Rolled up {Hours} hour(s): {Rows} rows", hours, rows);
        }

        return new RollupResult(hours, rows);
    }

    /// <summary>Recomputes the whole hours overlapping [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public async Task<RollupResult> RecomputeAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        var from = RollupBuilder.Hour(fromUtc.ToUniversalTime());
        var to = RollupBuilder.Hour(toUtc.ToUniversalTime().AddTicks(TimeSpan.TicksPerHour - 1));
        var catalogue = await prices.LoadCatalogueAsync(cancellationToken);
        var tiers = new TierResolver(catalogue);
        long rows = 0;
        for (var start = from; start < to; start = start.AddHours(MaxHoursPerTransaction))
        {
            var end = Min(start.AddHours(MaxHoursPerTransaction), to);
            rows += await RecomputeChunkAsync(start, end, tiers, cancellationToken);
        }

        return new RollupResult((int)(to - from).TotalHours, rows);
    }

    /// <summary>Consecutive touched hours become one range; each hour also recomputes the hour before it (a trace started there may have grown).</summary>
    internal static List<(DateTime From, DateTime To)> Ranges(IReadOnlyList<DateTime> touchedHours)
    {
        var ranges = new List<(DateTime From, DateTime To)>();
        var lookBack = TimeSpan.FromTicks((RollupBuilder.MaxTraceDuration.Ticks + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour);
        foreach (var hour in touchedHours.Order())
        {
            var (from, to) = (hour - lookBack, hour.AddHours(1));
            if (ranges.Count > 0 && from <= ranges[^1].To)
            {
                ranges[^1] = (ranges[^1].From, Max(ranges[^1].To, to));
            }
            else
            {
                ranges.Add((from, to));
            }
        }

        return ranges;
    }

    private async Task<long> RecomputeChunkAsync(DateTime from, DateTime to, TierResolver tiers, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({RollupLockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var spans = await RollupSpanReader.ReadAsync(connection, transaction, from - RollupBuilder.MaxTraceDuration, to + RollupBuilder.MaxTraceDuration, tiers, cancellationToken);
        var rows = RollupBuilder.Build(spans, from, to);
        await RollupWriter.ReplaceHoursAsync(connection, transaction, rows, from, to, cancellationToken);
        var dayTo = to == to.Date ? to : to.Date.AddDays(1);
        await RollupWriter.DeriveDaysAsync(connection, transaction, from.Date, dayTo, cancellationToken);
        await RollupWriter.DeriveWeeksAsync(connection, transaction, from.Date, dayTo, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
