using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Analytics.Storage;

/// <summary>
/// The span table is partitioned by calendar month (UTC) of the span's start time. Retention
/// drops whole partitions, which costs nothing compared with deleting rows.
/// </summary>
public sealed class SpanPartitions(NpgsqlDataSource dataSource, ILogger<SpanPartitions> logger)
{
    // Different from the migration lock so partition upkeep never waits on a long migration.
    private const long PartitionLockKey = 0x746f6c6c67617401;

    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    public static DateOnly MonthOf(DateTime utc) => new(utc.Year, utc.Month, 1);

    public static string PartitionName(DateOnly month) =>
        string.Create(CultureInfo.InvariantCulture, $"spans_y{month.Year:D4}m{month.Month:D2}");

    /// <summary>Makes sure a partition exists for every month in [from, to].</summary>
    public async Task EnsureAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        var months = new List<DateOnly>();
        for (var month = MonthOf(fromUtc); month <= MonthOf(toUtc); month = month.AddMonths(1))
        {
            if (!_known.ContainsKey(month))
            {
                months.Add(month);
            }
        }

        if (months.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalogue: serialise.
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PartitionLockKey})", cancellationToken);
        foreach (var month in months)
        {
            var next = month.AddMonths(1);
            await ExecuteAsync(connection, transaction, string.Create(CultureInfo.InvariantCulture,
                $"CREATE TABLE IF NOT EXISTS {PartitionName(month)} PARTITION OF spans FOR VALUES FROM ('{month:yyyy-MM-dd}') TO ('{next:yyyy-MM-dd}')"),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var month in months)
        {
            _known[month] = true;
        }
    }

    /// <summary>Drops every partition whose whole month ended before <paramref name="cutoffUtc"/>.</summary>
    public async Task<IReadOnlyList<string>> DropBeforeAsync(DateTime cutoffUtc, CancellationToken cancellationToken = default)
    {
        var dropped = new List<string>();
        foreach (var month in await ListAsync(cancellationToken))
        {
            if (month.AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) > cutoffUtc)
            {
                continue;
            }

            var name = PartitionName(month);
            await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS {name}");
            await command.ExecuteNonQueryAsync(cancellationToken);
            _known.TryRemove(month, out _);
            dropped.Add(name);
            logger.LogInformation("Dropped span partition {Partition}: older than the retention period", name);
        }

        return dropped;
    }

    /// <summary>The months that have a partition, oldest first.</summary>
    public async Task<IReadOnlyList<DateOnly>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'spans' ORDER BY c.relname
            """);
        var months = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (DateOnly.TryParseExact(name, "'spans_y'yyyy'm'MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            {
                months.Add(month);
            }
        }

        return months;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
