using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Metrics;

/// <summary>
/// Profit and loss of one feature in a window, with the same figures for the window of the same
/// length just before it (for trends). Margin % is null where there is no revenue. The tier mix is
/// over billing calls; the routed tier mix over routed requests, by the tier the router chose.
/// </summary>
public sealed record FeaturePnlRow(
    string? Feature,
    decimal RevenueUsd,
    decimal CostUsd,
    decimal MarginUsd,
    decimal? MarginPct,
    long Requests,
    decimal? CostPerRequestUsd,
    decimal PreviousRevenueUsd,
    decimal PreviousCostUsd,
    decimal PreviousMarginUsd,
    TierMix TierMix,
    TierMix RoutedTierMix);

/// <summary>The body of GET /api/v1/features/pnl, most expensive feature first.</summary>
public sealed record FeaturePnl(IReadOnlyList<FeaturePnlRow> Rows);

/// <summary>
/// Revenue against cost per feature, from the rollups and the revenue table (prorated to the
/// window). A feature appears when it had cost, requests or revenue in the window.
/// </summary>
public sealed class FeaturePnlQuery(NpgsqlDataSource dataSource)
{
    /// <summary>At most this many features are listed: a P&amp;L table of more is not read.</summary>
    public const int MaxRows = 500;

    public async Task<FeaturePnl> GetAsync(QueryWindow window, int? projectId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var current = await ReadAsync(connection, window, projectId, cancellationToken);
        var previous = await ReadAsync(connection, window.Previous, projectId, cancellationToken);
        var rows = current.Values
            .Select(c =>
            {
                var p = previous.GetValueOrDefault(c.Feature ?? "") ?? new FeatureFigures(c.Feature);
                var margin = c.Revenue - c.Cost;
                return new FeaturePnlRow(
                    c.Feature,
                    c.Revenue,
                    c.Cost,
                    margin,
                    c.Revenue == 0 ? null : margin / c.Revenue,
                    c.Requests,
                    c.Requests == 0 ? null : c.RequestCost / c.Requests,
                    p.Revenue,
                    p.Cost,
                    p.Revenue - p.Cost,
                    TierMix.From(c.Small, c.Mid, c.Frontier),
                    TierMix.From(c.RoutedSmall, c.RoutedMid, c.RoutedFrontier));
            })
            .OrderByDescending(r => r.CostUsd).ThenBy(r => r.Feature, StringComparer.Ordinal)
            .Take(MaxRows)
            .ToList();
        return new FeaturePnl(rows);
    }

    private static async Task<Dictionary<string, FeatureFigures>> ReadAsync(
        NpgsqlConnection connection, QueryWindow window, int? projectId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command($"""
            SELECT feature, sum(cost_usd), coalesce(sum(calls) FILTER (WHERE tier = 'small'), 0),
                   coalesce(sum(calls) FILTER (WHERE tier = 'mid'), 0), coalesce(sum(calls) FILTER (WHERE tier = 'frontier'), 0)
            FROM {RollupSource.Of("features")} r WHERE (@project::integer IS NULL OR project_id = @project)
            GROUP BY feature
            """, window, projectId));
        batch.BatchCommands.Add(Command($"""
            SELECT feature, sum(requests)::bigint, sum(cost_usd),
                   sum(routed_small)::bigint, sum(routed_mid)::bigint, sum(routed_frontier)::bigint
            FROM {RollupSource.Of("traces")} r WHERE (@project::integer IS NULL OR project_id = @project)
            GROUP BY feature
            """, window, projectId));
        batch.BatchCommands.Add(Command($"""
            SELECT feature, {RevenueSql.Prorated}
            FROM revenue WHERE period_end > @from AND period_start < @to AND (@project::integer IS NULL OR project_id = @project)
            GROUP BY feature
            """, window, projectId));

        // Null features (unattributed spans) are kept under the empty key.
        var figures = new Dictionary<string, FeatureFigures>(StringComparer.Ordinal);
        FeatureFigures Of(string? feature) => figures.TryGetValue(feature ?? "", out var f) ? f : figures[feature ?? ""] = new FeatureFigures(feature);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var f = Of(reader.IsDBNull(0) ? null : reader.GetString(0));
            f.Cost = reader.GetDecimal(1);
            (f.Small, f.Mid, f.Frontier) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var f = Of(reader.IsDBNull(0) ? null : reader.GetString(0));
            f.Requests = reader.GetInt64(1);
            f.RequestCost = reader.GetDecimal(2);
            (f.RoutedSmall, f.RoutedMid, f.RoutedFrontier) = (reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Of(reader.GetString(0)).Revenue = reader.GetDecimal(1);
        }

        return figures;
    }

    private static NpgsqlBatchCommand Command(string sql, QueryWindow window, int? projectId)
    {
        var command = new NpgsqlBatchCommand(sql);
        RollupSource.AddWindow(command.Parameters, window);
        RollupSource.Add(command.Parameters, "project", projectId, NpgsqlDbType.Integer);
        return command;
    }

    private sealed class FeatureFigures(string? feature)
    {
        public string? Feature { get; } = feature;
        public decimal Revenue { get; set; }
        public decimal Cost { get; set; }
        public decimal RequestCost { get; set; }
        public long Requests { get; set; }
        public long Small { get; set; }
        public long Mid { get; set; }
        public long Frontier { get; set; }
        public long RoutedSmall { get; set; }
        public long RoutedMid { get; set; }
        public long RoutedFrontier { get; set; }
    }
}
