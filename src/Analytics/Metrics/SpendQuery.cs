using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Rollups;

namespace Tollgate.Analytics.Metrics;

/// <summary>Spend of one value of the grouping dimension. Key is null for spans without a value.</summary>
public sealed record SpendRow(
    string? Key, decimal CostUsd, long Requests, long Calls, long InputTokens, long OutputTokens,
    long CacheReadTokens, long CacheWriteTokens, long ReasoningTokens);

/// <summary>The cost of one value of a dimension (null: spans without a value).</summary>
public sealed record KeyCost(string? Key, decimal CostUsd);

/// <summary>The body of GET /api/v1/spend: rows by cost, most expensive first, and the total over all rows.</summary>
public sealed record SpendReport(IReadOnlyList<SpendRow> Rows, decimal TotalCostUsd);

/// <summary>
/// Spend grouped by one dimension, from rollup_keys (the rows <see cref="KeyRollupPlan"/> picks).
/// Cost, calls and tokens are the billing spans' own values (each span counts once in its own
/// group); requests are the traces that used the group's value (for team, feature, customer and
/// user: the trace's own attribution), so request counts of different rows may overlap for model,
/// provider and service.
/// </summary>
public sealed class SpendQuery(NpgsqlDataSource dataSource)
{
    /// <summary>At most this many rows are returned (the total still covers all): a chart or table shows no more.</summary>
    public const int MaxRows = 1000;

    public static IReadOnlyList<string> GroupBys => RollupDimensions.Spend;

    public async Task<SpendReport> GetAsync(QueryWindow window, string groupBy, int? projectId = null, CancellationToken cancellationToken = default)
    {
        if (!GroupBys.Contains(groupBy))
        {
            throw new ArgumentException($"groupBy must be one of {string.Join(", ", GroupBys)}.", nameof(groupBy));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One group per value (3,000 users make 3,000 groups from about 40,000 rows in 30 days): a
        // parallel plan's partial aggregates barely shrink that, and combining their numeric sums
        // costs more than the scan it shares out (2M spans: about 110 ms in parallel, 65 ms serially).
        await using (var serial = new NpgsqlCommand("SET LOCAL max_parallel_workers_per_gather = 0", connection, transaction))
        {
            await serial.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        var source = KeyRollupPlan.Sql(KeyRollupPlan.For(window), command.Parameters);
        command.CommandText = $"""
            SELECT key, sum(cost_usd), sum(requests)::bigint, sum(calls)::bigint, sum(input_tokens)::bigint, sum(output_tokens)::bigint,
                   sum(cache_read_tokens)::bigint, sum(cache_write_tokens)::bigint, sum(reasoning_tokens)::bigint,
                   sum(sum(cost_usd)) OVER ()
            FROM {source} r
            WHERE dimension = @dimension AND (@project::integer IS NULL OR project_id = @project)
            GROUP BY key
            HAVING sum(calls) <> 0 OR sum(requests) <> 0
            ORDER BY sum(cost_usd) DESC, key NULLS LAST
            LIMIT {MaxRows}
            """;
        RollupSource.Add(command.Parameters, "dimension", groupBy, NpgsqlDbType.Text);
        RollupSource.Add(command.Parameters, "project", projectId, NpgsqlDbType.Integer);
        var rows = new List<SpendRow>();
        var total = 0m;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SpendRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.GetDecimal(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetInt64(8)));
            total = reader.GetDecimal(9);
        }

        return new SpendReport(rows, total);
    }

    /// <summary>Dimensions <see cref="TeamCostsAsync"/> can group one team's cost by.</summary>
    public static IReadOnlyList<string> TeamGroupBys { get; } = ["feature", "model", "provider"];

    /// <summary>
    /// One team's cost grouped by feature, model or provider, most expensive first, from the
    /// feature-grain rollup (which keeps the team; the per-value rows of <see cref="GetAsync"/> do not).
    /// </summary>
    public async Task<IReadOnlyList<KeyCost>> TeamCostsAsync(QueryWindow window, string team, string groupBy, int? projectId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(team);
        if (!TeamGroupBys.Contains(groupBy))
        {
            throw new ArgumentException($"groupBy must be one of {string.Join(", ", TeamGroupBys)}.", nameof(groupBy));
        }

        await using var command = dataSource.CreateCommand($"""
            SELECT {groupBy}, sum(cost_usd)
            FROM {RollupSource.Of("features")} r
            WHERE team = @team AND (@project::integer IS NULL OR project_id = @project)
            GROUP BY {groupBy}
            ORDER BY sum(cost_usd) DESC, {groupBy} NULLS LAST
            LIMIT {MaxRows}
            """);
        RollupSource.AddWindow(command.Parameters, window);
        RollupSource.Add(command.Parameters, "team", team, NpgsqlDbType.Text);
        RollupSource.Add(command.Parameters, "project", projectId, NpgsqlDbType.Integer);
        var rows = new List<KeyCost>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new KeyCost(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetDecimal(1)));
        }

        return rows;
    }
}
