using Npgsql;

namespace Tollgate.Analytics.Anomalies;

/// <summary>One hour of billed cost for one series.</summary>
public readonly record struct HourlyCost(int ProjectId, string Dimension, string Key, DateTime Hour, double CostUsd);

/// <summary>
/// Reads hourly billed cost per project for the total and per team, feature, model and
/// customer. The only place that knows where hourly cost comes from: today the span table,
/// grouped by hour; hourly rollups can replace the query here without touching the scanner.
/// </summary>
public sealed class HourlyCostReader(NpgsqlDataSource dataSource)
{
    /// <summary>Key of the total series and of spans that do not name a team, feature, model or customer.</summary>
    public const string TotalKey = "all";
    public const string NoneKey = "(none)";

    public async Task<IReadOnlyList<HourlyCost>> ReadAsync(int? projectId, DateTime fromHour, DateTime untilHour, CancellationToken cancellationToken)
    {
        // GROUPING tells a total row from a row whose team is null; bit order: team, feature, model, customer.
        await using var command = dataSource.CreateCommand("""
            SELECT project_id, date_trunc('hour', start_time, 'UTC') AS hour,
                   GROUPING(team, feature, model, customer) AS grouping, team, feature, model, customer,
                   sum(COALESCE(provided_cost_usd, computed_cost_usd))::double precision AS cost
            FROM spans
            WHERE billing AND start_time >= $1 AND start_time < $2 AND ($3::integer IS NULL OR project_id = $3)
              AND COALESCE(provided_cost_usd, computed_cost_usd) IS NOT NULL
            GROUP BY GROUPING SETS ((project_id, hour), (project_id, hour, team), (project_id, hour, feature),
                                    (project_id, hour, model), (project_id, hour, customer))
            """);
        command.Parameters.Add(new() { Value = fromHour });
        command.Parameters.Add(new() { Value = untilHour });
        command.Parameters.Add(new() { Value = projectId.HasValue ? projectId.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        var rows = new List<HourlyCost>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (dimension, column) = reader.GetInt32(2) switch
            {
                0b1111 => (AnomalyDimensions.Total, -1),
                0b0111 => (AnomalyDimensions.Team, 3),
                0b1011 => (AnomalyDimensions.Feature, 4),
                0b1101 => (AnomalyDimensions.Model, 5),
                _ => (AnomalyDimensions.Customer, 6),
            };
            var key = column < 0 ? TotalKey : reader.IsDBNull(column) ? NoneKey : reader.GetString(column);
            rows.Add(new HourlyCost(reader.GetInt32(0), dimension, key, DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc), reader.GetDouble(7)));
        }
        return rows;
    }
}

/// <summary>The breakdowns whose hourly cost is watched, as the anomalies table names them.</summary>
public static class AnomalyDimensions
{
    public const string Total = "total";
    public const string Team = "team";
    public const string Feature = "feature";
    public const string Model = "model";
    public const string Customer = "customer";

    public static IReadOnlyList<string> Breakdowns { get; } = [Team, Feature, Model, Customer];
}
