using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// Maintains dependency_edges_hourly and dependency_edges_daily, the edge rollups the dependency
/// map reads (edges need a self-join of spans, too slow to run over raw spans for every view), and
/// dependency_debt_hourly, the trace shapes behind the debt report. Hours are recomputed whole,
/// a day's worth in one transaction: their rows are deleted and inserted again, so calling it
/// again, or for an hour whose spans are still arriving, is safe. <see cref="RollupRunner"/>
/// decides which hours to recompute; <see cref="RecomputeHoursAsync"/> can equally be called on its own.
/// </summary>
public sealed class DependencyRollup(NpgsqlDataSource dataSource) : IHourlyRollup
{
    /// <summary>Hours per call: a month of hours, so a backfill is chunked and each call ends in bounded time.</summary>
    public const int MaxHoursPerCall = 31 * 24;

    /// <summary>
    /// How far around the hour the rest of its traces are looked for (parents that started
    /// earlier, descendants that started later); the same reach as trace resolution at ingest.
    /// </summary>
    public static readonly TimeSpan TraceReach = Spans.SpanWriter.TraceWindow;

    // Serialises recomputations of the same hour across processes ("deps" in ASCII).
    private const int LockClass = 0x64657073;

    // Serialises the derivation of the same day's rows ("depd").
    private const int DayLockClass = 0x64657064;

    public string Name => "dependencies";

    /// <summary>Every project's hours in [<paramref name="fromHour"/>, <paramref name="toHour"/>), <see cref="MaxHoursPerCall"/> at a time.</summary>
    public async Task<long> RecomputeAsync(DateTime fromHour, DateTime toHour, CancellationToken cancellationToken)
    {
        long rows = 0;
        for (var start = fromHour; start < toHour; start = start.AddHours(MaxHoursPerCall))
        {
            var end = start.AddHours(MaxHoursPerCall) < toHour ? start.AddHours(MaxHoursPerCall) : toHour;
            rows += await RecomputeHoursAsync(projectId: null, start, end, cancellationToken);
        }

        return rows;
    }

    /// <summary>Recomputes every hour from the hour holding <paramref name="fromHour"/> up to, not including, <paramref name="toHour"/>.</summary>
    /// <param name="projectId">One project, or null for all.</param>
    /// <param name="fromHour">The first hour (any time inside it).</param>
    /// <param name="toHour">The end, exclusive.</param>
    /// <param name="cancellationToken">Stops between statements; a cancelled day rolls back whole.</param>
    /// <returns>The number of edge rows written.</returns>
    public async Task<int> RecomputeHoursAsync(int? projectId, DateTime fromHour, DateTime toHour, CancellationToken cancellationToken = default)
    {
        var first = UtcHour.Floor(fromHour);
        var end = UtcHour.Ceiling(toHour);
        if ((end - first).TotalHours > MaxHoursPerCall)
        {
            throw new ArgumentException($"at most {MaxHoursPerCall} hours per call: split the range", nameof(toHour));
        }

        // One transaction per UTC day (or the part of it in the range): the day's spans are read
        // once, with the reach around them, and its daily rows are derived once, after all its hours.
        var written = 0;
        for (var from = first; from < end;)
        {
            var to = from.Date.AddDays(1) < end ? from.Date.AddDays(1) : end;
            written += await RecomputeRangeAsync(projectId, from, to, cancellationToken);
            from = to;
        }

        return written;
    }

    /// <summary>
    /// Derives the day's rows of dependency_edges_daily from its hourly rows, in the caller's
    /// transaction. A per-day lock orders transactions that end in the same day; each
    /// statement reads the hours other transactions committed before it (read committed).
    /// </summary>
    private static async Task RecomputeDayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int? projectId, DateTime day, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var lockDay = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)");
        lockDay.Parameters.Add(new() { Value = DayLockClass });
        lockDay.Parameters.Add(new() { Value = (int)(day.Ticks / TimeSpan.TicksPerDay) });
        var delete = new NpgsqlBatchCommand("DELETE FROM dependency_edges_daily WHERE day = $1 AND ($2::integer IS NULL OR project_id = $2)");
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO dependency_edges_daily (project_id, day, source_node, target_node, calls, errors, cost_usd, latency_buckets, first_seen)
            SELECT project_id, $1, source_node, target_node, sum(calls), sum(errors), sum(cost_usd), rollup_histogram_sum(latency_buckets), min(first_seen)
            FROM dependency_edges_hourly
            WHERE hour >= $1 AND hour < $3 AND ($2::integer IS NULL OR project_id = $2)
            GROUP BY project_id, source_node, target_node
            """);
        foreach (var command in new[] { delete, insert })
        {
            command.Parameters.Add(new() { Value = day, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        }

        insert.Parameters.Add(new() { Value = day.AddDays(1), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(lockDay);
        batch.BatchCommands.Add(delete);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Recomputes the hours of [<paramref name="from"/>, <paramref name="to"/>), within one UTC day, in one transaction.</summary>
    private async Task<int> RecomputeRangeAsync(int? projectId, DateTime from, DateTime to, CancellationToken ct)
    {
        var edges = new Dictionary<(int Project, DateTime Hour), EdgeAccumulator>();
        var debt = new Dictionary<(int Project, DateTime Hour), DebtHour>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The range's hours, locked in ascending order (as every caller takes them, so two
        // overlapping recomputations wait for each other instead of deadlocking).
        await using (var locks = new NpgsqlBatch(connection, transaction))
        {
            for (var hour = from; hour < to; hour = hour.AddHours(1))
            {
                var lockHour = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)");
                lockHour.Parameters.Add(new() { Value = LockClass });
                lockHour.Parameters.Add(new() { Value = (int)(hour.Ticks / TimeSpan.TicksPerHour % int.MaxValue) });
                locks.BatchCommands.Add(lockHour);
            }

            // Sorting a busy day's traces (millions of spans) spills to disk at the default 4 MB;
            // 64 MB keeps most of it in memory, for this transaction only.
            locks.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL work_mem = '64MB'"));
            await locks.ExecuteNonQueryAsync(ct);
        }

        await using (var select = new NpgsqlCommand($"""
            WITH traces AS (
                SELECT DISTINCT project_id, trace_id FROM spans
                WHERE start_time >= $1 AND start_time < $2 AND ($3::integer IS NULL OR project_id = $3))
            SELECT {DependencySpanReader.Columns}
            FROM spans s JOIN traces t ON t.project_id = s.project_id AND t.trace_id = s.trace_id
            WHERE s.start_time >= $4 AND s.start_time < $5
            ORDER BY s.project_id, s.trace_id
            """, connection, transaction))
        {
            select.Parameters.Add(new() { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            select.Parameters.Add(new() { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            select.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            select.Parameters.Add(new() { Value = from - TraceReach, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            select.Parameters.Add(new() { Value = to + TraceReach, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await foreach (var (project, spans) in DependencySpanReader.ReadTracesAsync(select, ct))
            {
                AddTrace(project, spans, from, to, edges, debt);
            }
        }

        var rows = await ReplaceEdgesAsync(connection, transaction, projectId, from, to, edges, ct);
        await DebtHourStore.ReplaceAsync(connection, transaction, projectId, from, to, debt, ct);
        await RecomputeDayAsync(connection, transaction, projectId, from.Date, ct);

        await transaction.CommitAsync(ct);
        return rows;
    }

    /// <summary>
    /// Adds one trace's edges to the hours of its child spans in the range (an edge belongs to
    /// its child's start hour) and its shape to the hour of its first span, when that is in the
    /// range, so that each trace's shape counts once.
    /// </summary>
    private static void AddTrace(
        int project, List<DependencySpan> spans, DateTime from, DateTime to,
        Dictionary<(int, DateTime), EdgeAccumulator> edges, Dictionary<(int, DateTime), DebtHour> debt)
    {
        var first = DateTime.MaxValue;
        var hours = new HashSet<DateTime>();
        foreach (var span in spans)
        {
            first = span.Start < first ? span.Start : first;
            if (span.Start >= from && span.Start < to)
            {
                hours.Add(UtcHour.Floor(span.Start));
            }
        }

        foreach (var hour in hours)
        {
            if (!edges.TryGetValue((project, hour), out var accumulator))
            {
                edges[(project, hour)] = accumulator = new EdgeAccumulator();
            }

            var next = hour.AddHours(1);
            accumulator.AddTrace(spans, child => child.Start >= hour && child.Start < next);
        }

        if (first >= from && first < to)
        {
            var hour = UtcHour.Floor(first);
            if (!debt.TryGetValue((project, hour), out var debtHour))
            {
                debt[(project, hour)] = debtHour = new DebtHour { Hour = hour };
            }

            debtHour.Add(OrchestrationDebt.Shape(spans));
        }
    }

    /// <summary>Replaces the range's hourly edge rows (one project's, or every project's when null) with <paramref name="edges"/>.</summary>
    private static async Task<int> ReplaceEdgesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int? projectId, DateTime from, DateTime to,
        Dictionary<(int Project, DateTime Hour), EdgeAccumulator> edges, CancellationToken ct)
    {
        await using (var delete = new NpgsqlCommand(
            "DELETE FROM dependency_edges_hourly WHERE hour >= $1 AND hour < $2 AND ($3::integer IS NULL OR project_id = $3)", connection, transaction))
        {
            delete.Parameters.Add(new() { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            delete.Parameters.Add(new() { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            delete.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            await delete.ExecuteNonQueryAsync(ct);
        }

        var rows = 0;
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY dependency_edges_hourly (project_id, hour, source_node, target_node, calls, errors, cost_usd, latency_buckets, first_seen)
            FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var ((project, hour), accumulator) in edges)
        {
            foreach (var ((source, target), stats) in accumulator.Edges)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(project, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(hour, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(source, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(target, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(stats.Calls, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(stats.Errors, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(stats.CostUsd, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(stats.LatencyBuckets, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(stats.FirstSeen, NpgsqlDbType.TimestampTz, ct);
                rows++;
            }
        }

        await copy.CompleteAsync(ct);
        return rows;
    }
}
