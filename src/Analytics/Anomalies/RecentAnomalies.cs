using Npgsql;

namespace Tollgate.Analytics.Anomalies;

/// <summary>One stored anomaly: an hour of a dimension's key whose cost (USD) fell outside its expected band; score 0..1.</summary>
public sealed record AnomalyRow(string Dimension, string? Key, DateTime Timestamp, double Actual, double Expected, double Lower, double Upper, double Score);

/// <summary>
/// Reads the anomalies recorded by the hourly detector for a window, strongest first, over all
/// projects. The table comes with the detector's schema script; until it exists there is nothing
/// to show, not an error.
/// </summary>
public sealed class RecentAnomalies(NpgsqlDataSource dataSource)
{
    /// <summary>A review page lists at most this many: past that, the strongest ones are what matter.</summary>
    public const int MaxRows = 50;

    public async Task<IReadOnlyList<AnomalyRow>> ListAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('anomalies') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return [];
            }
        }

        await using var command = new NpgsqlCommand($"""
            SELECT dimension, key, hour, actual_usd::float8, expected_usd::float8, lower_usd::float8, upper_usd::float8, score::float8
            FROM anomalies
            WHERE hour >= @from AND hour < @to
            ORDER BY score DESC, hour DESC
            LIMIT {MaxRows}
            """, connection);
        command.Parameters.AddWithValue("from", DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc));
        command.Parameters.AddWithValue("to", DateTime.SpecifyKind(toUtc, DateTimeKind.Utc));
        var rows = new List<AnomalyRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AnomalyRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
                reader.GetDouble(3),
                reader.GetDouble(4),
                reader.GetDouble(5),
                reader.GetDouble(6),
                reader.GetDouble(7)));
        }

        return rows;
    }
}
