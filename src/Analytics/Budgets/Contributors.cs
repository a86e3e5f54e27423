using Npgsql;

namespace Tollgate.Analytics.Budgets;

/// <summary>One of the largest spenders within a budget's scope this period.</summary>
public sealed record Contributor(string Dimension, string Key, decimal SpentUsd);

/// <summary>
/// The top teams, features and models by spend within a budget's scope and period, so that whoever
/// reads an alert knows where the money went. Read from the database when an alert is raised (not a
/// hot path), over at most one period of one project.
/// </summary>
public static class Contributors
{
    /// <summary>Three per dimension: enough to act on, short enough to read in a chat message.</summary>
    public const int PerDimension = 3;

    public static async Task<IReadOnlyList<Contributor>> TopAsync(
        NpgsqlConnection connection, Budget budget, DateTime periodStart, DateTime periodEnd, CancellationToken cancellationToken)
    {
        var scopeFilter = budget.Scope switch
        {
            BudgetScopes.Team => "AND team = $4",
            BudgetScopes.Feature => "AND feature = $4",
            BudgetScopes.Customer => "AND customer = $4",
            _ => "AND $4::text IS NULL",
        };
        await using var command = new NpgsqlCommand($"""
            WITH grouped AS (
                SELECT CASE WHEN GROUPING(team) = 0 THEN 'team' WHEN GROUPING(feature) = 0 THEN 'feature' ELSE 'model' END AS dimension,
                       coalesce(team, feature, model) AS key,
                       sum(coalesce(provided_cost_usd, computed_cost_usd)) AS spent
                FROM spans
                WHERE project_id = $1 AND start_time >= $2 AND start_time < $3 AND billing {scopeFilter}
                GROUP BY GROUPING SETS ((team), (feature), (model))
            ), ranked AS (
                SELECT dimension, key, spent, row_number() OVER (PARTITION BY dimension ORDER BY spent DESC, key) AS rank
                FROM grouped WHERE key IS NOT NULL AND spent > 0
            )
            SELECT dimension, key, spent FROM ranked WHERE rank <= {PerDimension} ORDER BY dimension DESC, rank
            """, connection);
        command.Parameters.Add(new() { Value = budget.ProjectId });
        command.Parameters.Add(new() { Value = periodStart });
        command.Parameters.Add(new() { Value = periodEnd });
        command.Parameters.Add(new() { Value = (object?)budget.ScopeKey ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Contributor>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Contributor(reader.GetString(0), reader.GetString(1), BudgetStore.Trim(reader.GetDecimal(2))));
        }

        return rows;
    }
}
