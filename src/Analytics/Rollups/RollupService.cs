using Npgsql;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Rollups;

/// <summary>
/// The span rollups (hourly, then the daily and weekly rows derived from them): an hour is
/// recomputed whole, delete + insert in one transaction, then the daily and weekly rows of its
/// days are derived again from the hourly ones. Recomputing an hour twice yields identical rows.
/// <see cref="RollupRunner"/> decides which hours to recompute.
/// </summary>
public sealed class RollupService(NpgsqlDataSource dataSource, PriceStore prices) : IHourlyRollup
{
    /// <summary>At most this many hours (one UTC day) are recomputed in one transaction, to keep transactions short.</summary>
    public const int MaxHoursPerTransaction = 24;

    // Serialises recomputations across instances even outside the job ("rollups" in ASCII).
    private const long RollupLockKey = 0x726f6c6c757073;

    public string Name => "rollups";

    /// <summary>Recomputes the whole hours overlapping [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public async Task<RollupResult> RecomputeAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        var from = UtcHour.Floor(fromUtc);
        var to = UtcHour.Ceiling(toUtc);
        var catalogue = await prices.LoadCatalogueAsync(cancellationToken);
        var tiers = new TierResolver(catalogue);
        long rows = 0;
        // Chunks end at midnight, so that a backfill derives each day's rows once.
        for (var start = from; start < to;)
        {
            var end = Min(start.Date.AddHours(MaxHoursPerTransaction), to);
            rows += await RecomputeChunkAsync(start, end, tiers, cancellationToken);
            start = end;
        }

        return new RollupResult((int)(to - from).TotalHours, rows);
    }

    async Task<long> IHourlyRollup.RecomputeAsync(DateTime fromHour, DateTime toHour, CancellationToken cancellationToken) =>
        (await RecomputeAsync(fromHour, toHour, cancellationToken)).RowsWritten;

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
}
