using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Spans;

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

    /// <summary>
    /// The hours whose rollup rows spans ingested at or after <paramref name="since"/> can have
    /// changed (every hour holding spans when null). A span changes the figures of its whole trace
    /// (a late root re-attributes its descendants, a late child changes its request's figures and
    /// its edges), and nothing else: so the hours are those holding any span of a trace that received
    /// a span, as far as the ingest's trace window reaches from it. This is the one look-back rule of
    /// every rollup: exact, whatever the trace's length, and no wider than the traces touched.
    /// </summary>
    public async Task<List<DateTime>> AffectedHoursAsync(DateTime? since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Each touched trace's spans are found through its key (OFFSET 0 keeps the lookup a
        // per-trace index probe instead of a join over every span). The planner cannot tell how
        // few spans are new and costs the query as if it read them all, which would make
        // PostgreSQL compile it first: over a second of JIT for a query that runs in a fraction of that.
        await using (var noJit = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction))
        {
            await noJit.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(since is null
            ? "SELECT DISTINCT date_trunc('hour', start_time, 'UTC') FROM spans"
            : """
                WITH touched AS (
                    SELECT project_id, trace_id, min(start_time) AS first_start, max(start_time) AS last_start
                    FROM spans WHERE ingested_at >= $1
                    GROUP BY project_id, trace_id)
                SELECT DISTINCT date_trunc('hour', s.start_time, 'UTC')
                FROM touched t CROSS JOIN LATERAL (
                    SELECT start_time FROM spans s
                    WHERE s.project_id = t.project_id AND s.trace_id = t.trace_id
                      AND s.start_time >= t.first_start - $2 AND s.start_time <= t.last_start + $2
                    OFFSET 0) s
                """, connection, transaction);
        if (since is not null)
        {
            command.Parameters.Add(new() { Value = since.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new() { Value = SpanWriter.TraceWindow });
        }

        var hours = new List<DateTime>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hours.Add(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            }
        }

        await transaction.CommitAsync(cancellationToken);
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
