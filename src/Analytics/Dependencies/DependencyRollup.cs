using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// Maintains dependency_edges_hourly and dependency_edges_daily, the edge rollups the dependency
/// map reads (edges need a self-join of spans, too slow to run over raw spans for every view). Each hour is
/// recomputed whole: its rows are deleted and inserted again in one transaction, so calling it
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
    /// <param name="cancellationToken">Stops between statements; a cancelled hour rolls back whole.</param>
    /// <returns>The number of edge rows written.</returns>
    public async Task<int> RecomputeHoursAsync(int? projectId, DateTime fromHour, DateTime toHour, CancellationToken cancellationToken = default)
    {
        var first = UtcHour.Floor(fromHour);
        var end = toHour.ToUniversalTime();
        if ((end - first).TotalHours > MaxHoursPerCall)
        {
            throw new ArgumentException($"at most {MaxHoursPerCall} hours per call: split the range", nameof(toHour));
        }

        var written = 0;
        for (var hour = first; hour < end; hour = hour.AddHours(1))
        {
            written += await RecomputeHourAsync(projectId, hour, cancellationToken);
        }

        return written;
    }

    /// <summary>
    /// Derives the day's rows of dependency_edges_daily from its hourly rows, in the hour's
    /// transaction. A per-day lock orders hours of the same day recomputed concurrently; each
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

    private async Task<int> RecomputeHourAsync(int? projectId, DateTime hour, CancellationToken ct)
    {
        var next = hour.AddHours(1);
        var perProject = new Dictionary<int, EdgeAccumulator>();
        var debt = new Dictionary<int, DebtHour>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", connection, transaction))
        {
            lockCommand.Parameters.Add(new() { Value = LockClass });
            lockCommand.Parameters.Add(new() { Value = (int)(hour.Ticks / TimeSpan.TicksPerHour % int.MaxValue) });
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        // Sorting a busy hour's traces (about 300,000 spans) spills to disk at the default 4 MB;
        // 64 MB keeps it in memory for this transaction only.
        await using (var workMem = new NpgsqlCommand("SET LOCAL work_mem = '64MB'", connection, transaction))
        {
            await workMem.ExecuteNonQueryAsync(ct);
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
            select.Parameters.Add(new() { Value = hour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            select.Parameters.Add(new() { Value = next, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            select.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            select.Parameters.Add(new() { Value = hour - TraceReach, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            select.Parameters.Add(new() { Value = next + TraceReach, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await foreach (var (project, spans) in DependencySpanReader.ReadTracesAsync(select, ct))
            {
                if (!perProject.TryGetValue(project, out var accumulator))
                {
                    perProject[project] = accumulator = new EdgeAccumulator();
                }

                accumulator.AddTrace(spans, child => child.Start >= hour && child.Start < next);
                // A trace's shape belongs to the hour of its first span, so each trace counts once.
                var first = spans.Min(s => s.Start);
                if (first >= hour && first < next)
                {
                    if (!debt.TryGetValue(project, out var debtHour))
                    {
                        debt[project] = debtHour = new DebtHour { Hour = hour };
                    }

                    debtHour.Add(OrchestrationDebt.Shape(spans));
                }
            }
        }

        await using (var delete = new NpgsqlCommand(
            "DELETE FROM dependency_edges_hourly WHERE hour = $1 AND ($2::integer IS NULL OR project_id = $2)", connection, transaction))
        {
            delete.Parameters.Add(new() { Value = hour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            delete.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            await delete.ExecuteNonQueryAsync(ct);
        }

        var rows = 0;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var (project, accumulator) in perProject)
            {
                foreach (var ((source, target), stats) in accumulator.Edges)
                {
                    var insert = new NpgsqlBatchCommand("""
                        INSERT INTO dependency_edges_hourly (project_id, hour, source_node, target_node, calls, errors, cost_usd, latency_buckets, first_seen)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        """);
                    insert.Parameters.Add(new() { Value = project });
                    insert.Parameters.Add(new() { Value = hour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                    insert.Parameters.Add(new() { Value = source });
                    insert.Parameters.Add(new() { Value = target });
                    insert.Parameters.Add(new() { Value = stats.Calls });
                    insert.Parameters.Add(new() { Value = stats.Errors });
                    insert.Parameters.Add(new() { Value = stats.CostUsd });
                    insert.Parameters.Add(new() { Value = stats.LatencyBuckets });
                    insert.Parameters.Add(new() { Value = stats.FirstSeen, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                    batch.BatchCommands.Add(insert);
                    rows++;
                }
            }

            if (rows > 0)
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
        }

        await DebtHourStore.ReplaceAsync(connection, transaction, projectId, hour, debt, ct);
        await RecomputeDayAsync(connection, transaction, projectId, hour.Date, ct);
        await transaction.CommitAsync(ct);
        return rows;
    }
}
