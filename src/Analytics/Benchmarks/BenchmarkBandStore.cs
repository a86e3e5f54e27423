using Npgsql;
using Tollgate.Analytics.Audit;

namespace Tollgate.Analytics.Benchmarks;

/// <summary>The benchmark_bands table: seeded with published industry bands, editable by admins (audited).</summary>
public sealed class BenchmarkBandStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<BenchmarkBand>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, null, cancellationToken);
    }

    /// <summary>Replaces a metric's bounds; null when the metric is unknown.</summary>
    /// <exception cref="ArgumentException">The bounds are out of order for the metric.</exception>
    public async Task<BenchmarkBand?> UpdateAsync(string metric, decimal low, decimal medianFrom, decimal medianTo, decimal elite, string actor,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = (await ReadAsync(connection, transaction, metric, cancellationToken)).SingleOrDefault();
        if (before is null)
        {
            return null;
        }

        var after = before with { LowBound = low, MedianFrom = medianFrom, MedianTo = medianTo, EliteBound = elite };
        if (after.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(low));
        }

        await using (var command = new NpgsqlCommand("""
            UPDATE benchmark_bands SET low_bound = $2, median_from = $3, median_to = $4, elite_bound = $5, updated_by = $6, updated_at = now()
            WHERE metric = $1
            """, connection, transaction))
        {
            command.Parameters.Add(new() { Value = metric });
            command.Parameters.Add(new() { Value = low });
            command.Parameters.Add(new() { Value = medianFrom });
            command.Parameters.Add(new() { Value = medianTo });
            command.Parameters.Add(new() { Value = elite });
            command.Parameters.Add(new() { Value = actor });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "benchmarks.bands.update", $"benchmark_bands/{metric}", before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<List<BenchmarkBand>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string? metric, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT metric, label, unit, higher_is_better, low_bound, median_from, median_to, elite_bound
            FROM benchmark_bands WHERE $1::text IS NULL OR metric = $1 ORDER BY metric
            """ + (metric is null ? "" : " FOR UPDATE"), connection, transaction);
        command.Parameters.Add(new() { Value = (object?)metric ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var bands = new List<BenchmarkBand>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            bands.Add(new BenchmarkBand(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                Trim(reader.GetDecimal(4)), Trim(reader.GetDecimal(5)), Trim(reader.GetDecimal(6)), Trim(reader.GetDecimal(7))));
        }

        return bands;
    }

    /// <summary>numeric(18,6) reads back as 0.400000; answer 0.4.</summary>
    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;
}
