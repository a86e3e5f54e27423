using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Rollups;

/// <summary>
/// How far a derived table has caught up with the span table, by ingested_at. Anything that
/// changes a stored span's figures (a late span, re-pricing, re-attribution) moves its
/// ingested_at, so "hours touched since the watermark" is all a rollup needs to recompute.
/// </summary>
public sealed class IngestWatermark(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Spans are looked for from this long before the watermark: ingested_at is the writing
    /// transaction's start, so a span committed just after a pass may carry an earlier time.
    /// Write transactions are one batch each, far shorter than this.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(2);

    /// <summary>The database's time now (the next watermark) and where to look from (null: from the start).</summary>
    public async Task<(DateTime PassStart, DateTime? Since)> ReadAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT now(), (SELECT watermark FROM rollup_state WHERE name = $1)");
        command.Parameters.Add(new() { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetDateTime(0), reader.IsDBNull(1) ? null : reader.GetDateTime(1) - Overlap);
    }

    /// <summary>The start hours of spans ingested at or after <paramref name="since"/> (every hour when null).</summary>
    public async Task<List<DateTime>> TouchedHoursAsync(DateTime? since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT DISTINCT date_trunc('hour', start_time, 'UTC') FROM spans WHERE $1::timestamptz IS NULL OR ingested_at >= $1");
        command.Parameters.Add(new() { Value = (object?)since ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var hours = new List<DateTime>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hours.Add(reader.GetDateTime(0));
        }

        return hours;
    }

    public async Task AdvanceAsync(string name, DateTime passStart, CancellationToken cancellationToken)
    {
        await using var advance = dataSource.CreateCommand("""
            INSERT INTO rollup_state (name, watermark) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET watermark = excluded.watermark, updated_at = now()
            """);
        advance.Parameters.Add(new() { Value = name });
        advance.Parameters.Add(new() { Value = passStart });
        await advance.ExecuteNonQueryAsync(cancellationToken);
    }
}
