using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Insights;

namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// Gathers the inputs of <see cref="OrchestrationDebt"/>: the period's edges from the rollup and
/// the most recent traces (by root start) from raw spans, capped.
/// </summary>
public sealed class DebtLoader(NpgsqlDataSource dataSource, DependencyMap map)
{
    /// <summary>
    /// Traces examined for chains, cascades and agent cost: the most recent ones, enough to show
    /// the patterns, few enough to read in about a second.
    /// </summary>
    public const int MaxTraces = 2_000;

    /// <summary>
    /// Spans read of one trace. A sender controls how many spans share its trace id; past this a
    /// trace's shape is not what an orchestration looks like, and reading it whole would let one
    /// tenant's flood slow every other tenant's report.
    /// </summary>
    public const int MaxSpansPerTrace = 5_000;

    public async Task<DebtReport> LoadAsync(InsightWindow window, CancellationToken cancellationToken = default)
    {
        var graph = await map.LoadAsync(window, cancellationToken);
        // The most recent traces of a busy period all started in its last day, and finding them
        // there reads a day of spans instead of the whole period (0.6 s for a month of 10 million
        // spans); a quieter period is read whole.
        var lastDay = window.To - TimeSpan.FromDays(1);
        var traces = lastDay > window.From ? await LoadRecentTracesAsync(window, lastDay, cancellationToken) : [];
        if (traces.Count <= MaxTraces)
        {
            traces = await LoadRecentTracesAsync(window, window.From, cancellationToken);
        }

        var capped = traces.Count > MaxTraces;
        if (capped)
        {
            traces.RemoveAt(traces.Count - 1);
        }

        return OrchestrationDebt.Analyse(window.From, window.To, graph.Edges, traces, MaxTraces, capped);
    }

    /// <summary>
    /// The spans of the most recent traces (one more than the cap) with a root starting in
    /// [from, window end). A trace counts once however many roots it has, and at most
    /// <see cref="MaxSpansPerTrace"/> of its spans are read, each trace through its own key.
    /// </summary>
    private async Task<List<IReadOnlyList<DependencySpan>>> LoadRecentTracesAsync(InsightWindow window, DateTime from, CancellationToken cancellationToken)
    {
        var traces = new List<IReadOnlyList<DependencySpan>>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            WITH traces AS (
                SELECT project_id, trace_id FROM spans
                WHERE parent_span_id IS NULL AND start_time >= $1 AND start_time < $2 AND ($3::integer IS NULL OR project_id = $3)
                GROUP BY project_id, trace_id
                ORDER BY max(start_time) DESC
                LIMIT {MaxTraces + 1})
            SELECT {DependencySpanReader.Columns}
            FROM traces t CROSS JOIN LATERAL (
                SELECT * FROM spans
                WHERE project_id = t.project_id AND trace_id = t.trace_id AND start_time >= $4 AND start_time < $5
                LIMIT {MaxSpansPerTrace}) s
            ORDER BY s.project_id, s.trace_id
            """, connection);
        command.Parameters.Add(new() { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = window.To, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)window.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = from - DependencyRollup.TraceReach, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = window.To + DependencyRollup.TraceReach, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await foreach (var (_, spans) in DependencySpanReader.ReadTracesAsync(command, cancellationToken))
        {
            traces.Add(spans);
        }

        return traces;
    }
}
