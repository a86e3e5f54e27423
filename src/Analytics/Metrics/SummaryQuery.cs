using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Metrics;

/// <summary>Optional narrowing of a summary: one project (null: all), one team, one feature.</summary>
public sealed record SummaryFilter(int? ProjectId = null, string? Team = null, string? Feature = null);

/// <summary>
/// The headline figures of a window: the body of GET /api/v1/summary. <see cref="TierMix"/> is the
/// mix of billing calls by tier (guardrail and quality-check calls included);
/// <see cref="RoutedTierMix"/> the mix of routed requests by the tier the router chose.
/// </summary>
public sealed record Summary(
    decimal CostUsd,
    decimal? RevenueUsd,
    decimal? CogsToRevenue,
    long Requests,
    decimal? CostPerRequestUsd,
    double? RoutingCoverage,
    double? CacheHitRate,
    double? FallbackRate,
    double? RetryRate,
    TierMix TierMix,
    TierMix RoutedTierMix);

/// <summary>
/// Cost, revenue, requests and orchestration rates of a window, from the rollups. Cost is the
/// billing spans' cost attributed to the team/feature filter span by span; requests and rates
/// come from the request rollup by each trace's own attribution. Revenue is recorded per feature
/// and prorated to the window by period overlap; with a team filter it is null (revenue is not
/// recorded per team).
/// </summary>
public sealed class SummaryQuery(NpgsqlDataSource dataSource)
{
    public async Task<Summary> GetAsync(QueryWindow window, SummaryFilter filter, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command($"""
            SELECT coalesce(sum(cost_usd), 0), coalesce(sum(calls) FILTER (WHERE tier = 'small'), 0),
                   coalesce(sum(calls) FILTER (WHERE tier = 'mid'), 0), coalesce(sum(calls) FILTER (WHERE tier = 'frontier'), 0)
            FROM {RollupSource.Of("features")} r
            WHERE (@project::integer IS NULL OR project_id = @project) AND (@team::text IS NULL OR team = @team) AND (@feature::text IS NULL OR feature = @feature)
            """, window, filter));
        batch.BatchCommands.Add(Command($"""
            SELECT coalesce(sum(requests), 0), coalesce(sum(routed_requests), 0), coalesce(sum(cache_hit_requests), 0),
                   coalesce(sum(fallback_requests), 0), coalesce(sum(retry_requests), 0), coalesce(sum(cost_usd), 0),
                   coalesce(sum(routed_small), 0), coalesce(sum(routed_mid), 0), coalesce(sum(routed_frontier), 0)
            FROM {RollupSource.Of("traces")} r
            WHERE (@project::integer IS NULL OR project_id = @project) AND (@team::text IS NULL OR team = @team) AND (@feature::text IS NULL OR feature = @feature)
            """, window, filter));
        batch.BatchCommands.Add(Command($"""
            SELECT {RevenueSql.Prorated}
            FROM revenue
            WHERE period_end > @from AND period_start < @to AND @team::text IS NULL
              AND (@project::integer IS NULL OR project_id = @project) AND (@feature::text IS NULL OR feature = @feature)
            """, window, filter));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var cost = reader.GetDecimal(0);
        var tierMix = TierMix.From(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var requests = reader.GetInt64(0);
        var (routed, cacheHits, fallbacks, retries) = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        var requestCost = reader.GetDecimal(5);
        var routedTierMix = TierMix.From(reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        decimal? revenue = reader.IsDBNull(0) ? null : reader.GetDecimal(0);

        return new Summary(
            cost,
            revenue,
            revenue is { } r ? RollupSource.Ratio(cost, r) : null,
            requests,
            requests == 0 ? null : requestCost / requests,
            RollupSource.Rate(routed, requests),
            RollupSource.Rate(cacheHits, requests),
            RollupSource.Rate(fallbacks, requests),
            RollupSource.Rate(retries, requests),
            tierMix,
            routedTierMix);
    }

    private static NpgsqlBatchCommand Command(string sql, QueryWindow window, SummaryFilter filter)
    {
        var command = new NpgsqlBatchCommand(sql);
        RollupSource.AddWindow(command.Parameters, window);
        RollupSource.Add(command.Parameters, "project", filter.ProjectId, NpgsqlDbType.Integer);
        RollupSource.Add(command.Parameters, "team", filter.Team, NpgsqlDbType.Text);
        RollupSource.Add(command.Parameters, "feature", filter.Feature, NpgsqlDbType.Text);
        return command;
    }
}
