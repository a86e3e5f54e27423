using System.Text.Json;
using Npgsql;

namespace Tollgate.Analytics.Anomalies;

/// <summary>Stored anomalies for lists and charts, newest hours last, bounded; those a later scan cleared are left out.</summary>
public sealed class AnomalyQuery(NpgsqlDataSource dataSource)
{
    /// <summary>Rows returned by one query: a list longer than this is not read; narrow the range.</summary>
    public const int MaxRows = 5_000;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>A review page lists at most this many, strongest first: past that, the strongest ones are what matter.</summary>
    public const int MaxStrongest = 50;

    /// <summary>The anomalies of [from, to) in time order.</summary>
    public Task<IReadOnlyList<CostAnomaly>> ListAsync(int? projectId, DateTime from, DateTime to, CancellationToken cancellationToken) =>
        ReadAsync(projectId, from, to, "hour, kind, dimension, key", MaxRows, team: null, cancellationToken);

    /// <summary>
    /// The strongest anomalies of [from, to), across projects when none is given; with a team,
    /// those of the team's own series.
    /// </summary>
    public Task<IReadOnlyList<CostAnomaly>> StrongestAsync(int? projectId, DateTime from, DateTime to, string? team = null, CancellationToken cancellationToken = default) =>
        ReadAsync(projectId, from, to, "score DESC, hour DESC", MaxStrongest, team, cancellationToken);

    private async Task<IReadOnlyList<CostAnomaly>> ReadAsync(
        int? projectId, DateTime from, DateTime to, string order, int limit, string? team, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT project_id, dimension, key, hour, actual_usd, expected_usd, lower_usd, upper_usd, score, contributors::text, kind, detector, explanation
            FROM anomalies
            WHERE hour >= $1 AND hour < $2 AND cleared_at IS NULL AND ($3::integer IS NULL OR project_id = $3) AND ($5::text IS NULL OR (dimension = 'team' AND key = $5))
            ORDER BY {order}
            LIMIT $4
            """);
        command.Parameters.Add(new() { Value = from.ToUniversalTime() });
        command.Parameters.Add(new() { Value = to.ToUniversalTime() });
        command.Parameters.Add(new() { Value = projectId.HasValue ? projectId.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = limit });
        command.Parameters.Add(new() { Value = (object?)team ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var rows = new List<CostAnomaly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var contributors = reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<List<Contributor>>(reader.GetString(9), _json);
            rows.Add(new CostAnomaly(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8), contributors,
                reader.GetString(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return rows;
    }
}
