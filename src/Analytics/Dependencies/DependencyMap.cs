using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Insights;

namespace Tollgate.Analytics.Dependencies;

/// <summary>A node of the map with what flows into it (calls and subtree cost of the edges ending on it).</summary>
public sealed record MapNode(string Id, string Kind, string Label, long CallsIn, decimal CostUsdIn);

/// <summary>
/// An edge of the map over a period. FirstSeen is the edge's first call ever recorded (not
/// only in the period); IsNew says it falls inside the period: a dependency that appeared.
/// </summary>
public sealed record MapEdge(string Source, string Target, long Calls, long Errors, decimal CostUsd, double? P95Ms, DateTime FirstSeen, bool IsNew);

public sealed record DependencyGraph(DateTime From, DateTime To, IReadOnlyList<MapNode> Nodes, IReadOnlyList<MapEdge> Edges, bool Truncated);

/// <summary>
/// The dependency map over a period, read from the hourly edge rollup
/// (<see cref="DependencyRollup"/>). Its resolution is the hour: 'from' counts from the start of
/// its hour. p95 is computed from the summed latency histograms (<see cref="LatencyHistogram"/>).
/// </summary>
public sealed class DependencyMap(NpgsqlDataSource dataSource)
{
    /// <summary>The busiest edges shown; more than a few thousand edges cannot be drawn or read.</summary>
    public const int MaxEdges = 2_000;

    public async Task<DependencyGraph> LoadAsync(InsightWindow window, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var edges = new List<MapEdge>();
        var histograms = await LoadHistogramsAsync(connection, window, cancellationToken);
        await using (var command = Command(connection, window, $"""
            WITH period AS (
                SELECT source_node, target_node, sum(calls) AS calls, sum(errors) AS errors, sum(cost_usd) AS cost
                FROM dependency_edges_hourly
                WHERE hour >= $4 AND hour < $2 AND ($3::integer IS NULL OR project_id = $3)
                GROUP BY source_node, target_node
                ORDER BY sum(calls) DESC, source_node, target_node
                LIMIT {MaxEdges + 1})
            SELECT p.source_node, p.target_node, p.calls, p.errors, p.cost,
                   (SELECT min(a.first_seen) FROM dependency_edges_hourly a
                    WHERE a.source_node = p.source_node AND a.target_node = p.target_node AND ($3::integer IS NULL OR a.project_id = $3))
            FROM period p
            ORDER BY p.calls DESC, p.source_node, p.target_node
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (source, target) = (reader.GetString(0), reader.GetString(1));
                var firstSeen = reader.GetFieldValue<DateTime>(5);
                histograms.TryGetValue((source, target), out var buckets);
                edges.Add(new MapEdge(source, target, reader.GetInt64(2), reader.GetInt64(3), reader.GetDecimal(4) / 1.000000000000000000000000000000000m,
                    buckets is null ? null : LatencyHistogram.Percentile(buckets, 0.95), firstSeen, firstSeen >= window.From));
            }
        }

        var truncated = edges.Count > MaxEdges;
        if (truncated)
        {
            edges.RemoveAt(edges.Count - 1);
        }

        return new DependencyGraph(window.From, window.To, Nodes(edges), edges, truncated);
    }

    public static IReadOnlyList<MapNode> Nodes(IReadOnlyList<MapEdge> edges) =>
    [
        .. edges.SelectMany(e => new[] { e.Source, e.Target }).Distinct(StringComparer.Ordinal)
            .Select(id => new MapNode(id, DependencyNodes.Kind(id), DependencyNodes.Label(id),
                edges.Where(e => e.Target == id).Sum(e => e.Calls), edges.Where(e => e.Target == id).Sum(e => e.CostUsd)))
            .OrderBy(n => n.Kind, StringComparer.Ordinal).ThenBy(n => n.Label, StringComparer.Ordinal),
    ];

    private static async Task<Dictionary<(string, string), long[]>> LoadHistogramsAsync(NpgsqlConnection connection, InsightWindow window, CancellationToken ct)
    {
        await using var command = Command(connection, window, """
            SELECT h.source_node, h.target_node, b.i, sum(b.v)
            FROM dependency_edges_hourly h, unnest(h.latency_buckets) WITH ORDINALITY AS b(v, i)
            WHERE h.hour >= $4 AND h.hour < $2 AND ($3::integer IS NULL OR h.project_id = $3) AND b.v > 0
            GROUP BY 1, 2, 3
            """);
        var histograms = new Dictionary<(string, string), long[]>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetString(0), reader.GetString(1));
            if (!histograms.TryGetValue(key, out var buckets))
            {
                histograms[key] = buckets = new long[LatencyHistogram.BucketCount];
            }

            var index = (int)reader.GetInt64(2) - 1;
            if (index is >= 0 and < LatencyHistogram.BucketCount)
            {
                buckets[index] = (long)reader.GetDecimal(3);
            }
        }

        return histograms;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, InsightWindow window, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = window.From, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = window.To, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)window.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = DependencyRollup.TruncateToHour(window.From), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return command;
    }
}
