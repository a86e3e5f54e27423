using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Dependencies;

/// <summary>dependency_debt_hourly: the debt figures of each project's hours, written by the dependency rollup, read by the debt report.</summary>
public static class DebtHourStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Replaces the rows of the hours in [<paramref name="fromHour"/>, <paramref name="toHour"/>)
    /// (one project's, or every project's when null) with <paramref name="rows"/>, in the caller's transaction.
    /// </summary>
    public static async Task ReplaceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int? projectId, DateTime fromHour, DateTime toHour,
        IEnumerable<KeyValuePair<(int Project, DateTime Hour), DebtHour>> rows, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var delete = new NpgsqlBatchCommand("DELETE FROM dependency_debt_hourly WHERE hour >= $1 AND hour < $2 AND ($3::integer IS NULL OR project_id = $3)");
        delete.Parameters.Add(new() { Value = fromHour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        delete.Parameters.Add(new() { Value = toHour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        delete.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        batch.BatchCommands.Add(delete);
        foreach (var ((project, hour), row) in rows)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO dependency_debt_hourly (project_id, hour, traces, longest_depth, longest_path, longest_trace, cascades, cascade_examples, agent_costs)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
                """);
            insert.Parameters.Add(new() { Value = project });
            insert.Parameters.Add(new() { Value = hour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new() { Value = row.Traces });
            insert.Parameters.Add(new() { Value = (object?)row.Longest?.Depth ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            insert.Parameters.Add(new() { Value = (object?)row.Longest?.Path.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = (object?)row.Longest?.TraceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = row.Cascades });
            insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(row.Examples, Json) });
            insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(row.AgentCosts, Json) });
            batch.BatchCommands.Add(insert);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The hours in [<paramref name="fromHour"/>, <paramref name="toHour"/>) of one project (every project when null), in hour order.</summary>
    public static async Task<List<DebtHour>> LoadAsync(NpgsqlDataSource dataSource, int? projectId, DateTime fromHour, DateTime toHour, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT hour, traces, longest_depth, longest_path, longest_trace, cascades, cascade_examples::text, agent_costs::text
            FROM dependency_debt_hourly
            WHERE hour >= $1 AND hour < $2 AND ($3::integer IS NULL OR project_id = $3)
            ORDER BY hour, project_id
            """);
        command.Parameters.Add(new() { Value = fromHour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = toHour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)projectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        var hours = new List<DebtHour>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            hours.Add(new DebtHour
            {
                Hour = reader.GetDateTime(0),
                Traces = reader.GetInt64(1),
                Longest = reader.IsDBNull(2) ? null : new CallChain(reader.GetInt32(2), reader.GetFieldValue<string[]>(3), reader.GetString(4)),
                Cascades = reader.GetInt64(5),
                Examples = JsonSerializer.Deserialize<List<CascadeExample>>(reader.GetString(6), Json) ?? [],
                AgentCosts = new Dictionary<string, decimal>(
                    JsonSerializer.Deserialize<Dictionary<string, decimal>>(reader.GetString(7), Json) ?? [], StringComparer.Ordinal),
            });
        }

        return hours;
    }
}
