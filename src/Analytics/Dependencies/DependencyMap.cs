using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Time;

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
/// The dependency map over a period, read from the daily and hourly edge rollups
/// (<see cref="DependencyRollup"/>). Its resolution is the hour: 'from' counts from the start of
/// its hour. p95 is computed from the summed latency histograms (<see cref="LatencyHistogram"/>).
/// </summary>
public sealed class DependencyMap(NpgsqlDataSource dataSource)
{
    /// <summary>The busiest edges shown; more than a few thousand edges cannot be drawn or read.</summary>
    public const int MaxEdges = 2_000;

    public async Task<DependencyGraph> LoadAsync(QueryWindow window, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var edges = new List<MapEdge>();
        var histograms = await LoadHistogramsAsync(connection, window, cancellationToken);
        await using (var command = Command(connection, window, $"""
            WITH period AS (
                SELECT source_node, target_node, sum(calls) AS calls, sum(errors) AS errors, sum(cost_usd) AS cost
                FROM {EdgeRows} e
                GROUP BY source_node, target_node
                ORDER BY sum(calls) DESC, source_node, target_node
                LIMIT {MaxEdges + 1})
            SELECT p.source_node, p.target_node, p.calls, p.errors, p.cost,
                   (SELECT min(a.first_seen) FROM dependency_edges_daily a
                    WHERE a.source_node = p.source_node AND a.target_node = p.target_node AND ($2::integer IS NULL OR a.project_id = $2))
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

    private static async Task<Dictionary<(string, string), long[]>> LoadHistogramsAsync(NpgsqlConnection connection, QueryWindow window, CancellationToken ct)
    {
        await using var command = Command(connection, window, $"""
            SELECT h.source_node, h.target_node, b.i, sum(b.v)
            FROM {EdgeRows} h, unnest(h.latency_buckets) WITH ORDINALITY AS b(v, i)
            WHERE b.v > 0
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

    /// <summary>
    /// The edge rows of the window: daily rows for the whole UTC days inside it, hourly rows for
    /// the hours before the first and after the last whole day. Parameters: $1 the window's end,
    /// $2 the project or null, $3 its first hour, $4 and $5 the whole days' start and end.
    /// </summary>
    private const string EdgeRows = """
        (SELECT project_id, source_node, target_node, calls, errors, cost_usd, latency_buckets FROM dependency_edges_daily
         WHERE day >= $4 AND day < $5 AND ($2::integer IS NULL OR project_id = $2)
         UNION ALL
         SELECT project_id, source_node, target_node, calls, errors, cost_usd, latency_buckets FROM dependency_edges_hourly
         WHERE ((hour >= $3 AND hour < $4) OR (hour >= $5 AND hour < $1)) AND ($2::integer IS NULL OR project_id = $2))
        """;

    private static NpgsqlCommand Command(NpgsqlConnection connection, QueryWindow window, string sql)
    {
        var firstHour = UtcHour.Floor(window.From);
        // With no whole day inside, both day bounds are the first hour and every hour comes from the hourly rows.
        var (firstDay, endDay) = (window with { From = firstHour, To = window.To.ToUniversalTime() }).Days;

        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = window.To, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)window.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = firstHour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = firstDay, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = endDay, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return command;
    }
}
