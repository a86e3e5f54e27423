using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Metrics;

/// <summary>What routing saved for one provider: the calls of its routed requests as priced, against the same tokens at its frontier model's price.</summary>
public sealed record ProviderRoutingSavings(string? Provider, string? FrontierModel, decimal ActualCostUsd, decimal FrontierCostUsd, decimal SavingsUsd);

/// <summary>Routing savings over all providers, calls of routed requests only; a provider without a frontier price counts at its actual cost.</summary>
public sealed record RoutingSavings(decimal ActualCostUsd, decimal FrontierCostUsd, decimal SavingsUsd, IReadOnlyList<ProviderRoutingSavings> Providers);

/// <summary>One fallback (a different model after an error) or retry (the same model again) path, with how often it happened.</summary>
public sealed record FallbackChain(string Kind, string FromModel, string ToModel, long Count);

/// <summary>Latency percentiles of one model (its calls) or one feature (its requests), from merged histograms.</summary>
public sealed record LatencyRow(string? Key, long Count, double? P50Ms, double? P95Ms);

/// <summary>What routing and caching saved in a window; cache savings are an estimate.</summary>
public sealed record OrchestrationSavings(RoutingSavings Routing, long CacheHitRequests, decimal EstimatedCacheSavingsUsd);

/// <summary>The body of GET /api/v1/orchestration.</summary>
public sealed record OrchestrationReport(
    long Requests,
    long RoutedRequests,
    double? RoutingCoverage,
    RoutingSavings RoutingSavings,
    long CacheHitRequests,
    double? CacheHitRate,
    decimal EstimatedCacheSavingsUsd,
    long FallbackRequests,
    double? FallbackRate,
    long RetryRequests,
    double? RetryRate,
    IReadOnlyList<FallbackChain> FallbackChains,
    IReadOnlyList<LatencyRow> LatencyByModel,
    IReadOnlyList<LatencyRow> LatencyByFeature);

/// <summary>
/// How well the orchestration layer works: routing coverage and savings, cache hits and their
/// estimated savings, fallback and retry rates and paths, latency per model and per feature.
/// <list type="bullet">
/// <item>Routing savings: the calls of routed requests, each provider's priced at that provider's
/// frontier model, taken as the most expensive current frontier-tier price of the provider (input +
/// output per million tokens): "what would the same calls cost without routing down". The calls of
/// a request the router never saw (a service calling a small model directly) saved nothing by
/// routing.</item>
/// <item>Estimated cache savings, per feature: cache-hit requests × the feature's average
/// uncached request cost, less what the cache-hit requests cost.</item>
/// </list>
/// </summary>
public sealed class OrchestrationQuery(NpgsqlDataSource dataSource, PriceStore prices, TimeProvider time)
{
    /// <summary>At most this many chains and latency rows each: the most frequent ones.</summary>
    public const int MaxRows = 100;

    public async Task<OrchestrationReport> GetAsync(QueryWindow window, int? projectId = null, CancellationToken cancellationToken = default)
    {
        var catalogue = await prices.LoadCatalogueAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(RequestsCommand(window, projectId, team: null));
        batch.BatchCommands.Add(UsageCommand(window, projectId, team: null));
        batch.BatchCommands.Add(Command($"""
            SELECT dimension, key, sum(calls)::bigint
            FROM {RollupSource.Of("keys")} r
            WHERE dimension IN ('{RollupDimensions.FallbackChain}', '{RollupDimensions.RetryChain}') AND (@project::integer IS NULL OR project_id = @project)
            GROUP BY dimension, key ORDER BY 3 DESC, 1, 2 LIMIT {MaxRows}
            """, window, projectId));
        batch.BatchCommands.Add(Command($"""
            SELECT dimension, key, latency_histogram
            FROM {RollupSource.Of("keys")} r
            WHERE dimension IN ('{RollupDimensions.Model}', '{RollupDimensions.Feature}') AND latency_histogram IS NOT NULL
              AND (@project::integer IS NULL OR project_id = @project)
            """, window, projectId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        var (requests, routed, cacheHits, fallbacks, retries, cacheSavings) = await ReadRequestsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var usage = await ReadUsageAsync(reader, cancellationToken);

        await reader.NextResultAsync(cancellationToken);
        var chains = new List<FallbackChain>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var path = (reader.IsDBNull(1) ? "" : reader.GetString(1)).Split(RollupDimensions.ChainArrow);
            chains.Add(new FallbackChain(reader.GetString(0), path[0], path.Length > 1 ? path[1] : "", reader.GetInt64(2)));
        }

        await reader.NextResultAsync(cancellationToken);
        // Merged here rather than in SQL: adding arrays in C# is far cheaper than a SQL aggregate call per row.
        var histograms = new Dictionary<(string Dimension, string Key), (string? Key, long[] Counts)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.IsDBNull(1) ? null : reader.GetString(1);
            var slot = (reader.GetString(0), key ?? "\0");
            if (!histograms.TryGetValue(slot, out var merged))
            {
                histograms[slot] = merged = (key, new long[LatencyHistogram.BucketCount]);
            }

            LatencyHistogram.Merge(merged.Counts, reader.GetFieldValue<long[]>(2));
        }

        var byModel = new List<LatencyRow>();
        var byFeature = new List<LatencyRow>();
        foreach (var ((dimension, _), (key, counts)) in histograms)
        {
            var row = new LatencyRow(key, counts.Sum(), LatencyHistogram.Percentile(counts, 0.50), LatencyHistogram.Percentile(counts, 0.95));
            (dimension == RollupDimensions.Model ? byModel : byFeature).Add(row);
        }

        return new OrchestrationReport(
            requests,
            routed,
            RollupSource.Rate(routed, requests),
            Savings(usage, catalogue, time.GetUtcNow().UtcDateTime),
            cacheHits,
            RollupSource.Rate(cacheHits, requests),
            cacheSavings,
            fallbacks,
            RollupSource.Rate(fallbacks, requests),
            retries,
            RollupSource.Rate(retries, requests),
            chains,
            Top(byModel),
            Top(byFeature));
    }

    /// <summary>
    /// Routing savings and estimated cache savings alone, optionally of one team's requests and
    /// calls (a weekly digest's "what routing and caching saved you").
    /// </summary>
    public async Task<OrchestrationSavings> GetSavingsAsync(QueryWindow window, int? projectId, string? team, CancellationToken cancellationToken = default)
    {
        var catalogue = await prices.LoadCatalogueAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(RequestsCommand(window, projectId, team));
        batch.BatchCommands.Add(UsageCommand(window, projectId, team));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var requests = await ReadRequestsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var usage = await ReadUsageAsync(reader, cancellationToken);
        return new OrchestrationSavings(Savings(usage, catalogue, time.GetUtcNow().UtcDateTime), requests.CacheHits, requests.CacheSavings);
    }

    private static NpgsqlBatchCommand RequestsCommand(QueryWindow window, int? projectId, string? team) => TeamCommand($"""
        SELECT feature, sum(requests)::bigint, sum(routed_requests)::bigint, sum(cache_hit_requests)::bigint,
               sum(fallback_requests)::bigint, sum(retry_requests)::bigint, sum(cost_usd), sum(cache_hit_cost_usd)
        FROM {RollupSource.Of("traces")} r
        WHERE (@project::integer IS NULL OR project_id = @project) AND (@team::text IS NULL OR team = @team)
        GROUP BY feature
        """, window, projectId, team);

    private static NpgsqlBatchCommand UsageCommand(QueryWindow window, int? projectId, string? team) => TeamCommand($"""
        SELECT provider, model, sum(cost_usd), sum(input_tokens)::bigint, sum(output_tokens)::bigint, sum(cache_read_tokens)::bigint,
               sum(cache_write_tokens)::bigint, sum(reasoning_tokens)::bigint
        FROM {RollupSource.Of("features")} r
        WHERE routed AND (@project::integer IS NULL OR project_id = @project) AND (@team::text IS NULL OR team = @team)
        GROUP BY provider, model
        """, window, projectId, team);

    // Requests per feature, summed; cache savings are estimated per feature and then added up.
    private static async Task<(long Requests, long Routed, long CacheHits, long Fallbacks, long Retries, decimal CacheSavings)> ReadRequestsAsync(
        NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        long requests = 0, routed = 0, cacheHits = 0, fallbacks = 0, retries = 0;
        var cacheSavings = 0m;
        while (await reader.ReadAsync(cancellationToken))
        {
            var (featureRequests, featureHits, cost, hitCost) = (reader.GetInt64(1), reader.GetInt64(3), reader.GetDecimal(6), reader.GetDecimal(7));
            requests += featureRequests;
            routed += reader.GetInt64(2);
            cacheHits += featureHits;
            fallbacks += reader.GetInt64(4);
            retries += reader.GetInt64(5);
            var uncached = featureRequests - featureHits;
            if (featureHits > 0 && uncached > 0)
            {
                cacheSavings += (featureHits * ((cost - hitCost) / uncached)) - hitCost;
            }
        }

        return (requests, routed, cacheHits, fallbacks, retries, cacheSavings);
    }

    private static async Task<List<(string? Provider, string? Model, decimal Cost, TokenUsage Tokens)>> ReadUsageAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var usage = new List<(string? Provider, string? Model, decimal Cost, TokenUsage Tokens)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            usage.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetDecimal(2),
                new TokenUsage(reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7))));
        }

        return usage;
    }

    /// <summary>The most expensive current frontier-tier price of each provider (input + output per million tokens).</summary>
    public static Dictionary<string, Price> FrontierPrices(PriceCatalogue catalogue, DateTime nowUtc) =>
        catalogue.Prices
            .Where(p => p.EffectiveFrom <= nowUtc)
            .GroupBy(p => (Provider: p.Provider.ToLowerInvariant(), Model: p.Model.ToLowerInvariant()))
            .Select(g => g.MaxBy(p => p.EffectiveFrom)!)
            .Where(p => p.Tier == PriceTiers.Frontier)
            .GroupBy(p => p.Provider.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.InputPerMTok + p.OutputPerMTok).ThenBy(p => p.Model, StringComparer.Ordinal).First());

    private static RoutingSavings Savings(List<(string? Provider, string? Model, decimal Cost, TokenUsage Tokens)> usage, PriceCatalogue catalogue, DateTime nowUtc)
    {
        var frontier = FrontierPrices(catalogue, nowUtc);
        var providers = usage
            .GroupBy(u => u.Provider)
            .Select(g =>
            {
                var actual = g.Sum(u => u.Cost);
                var price = g.Key is null ? null : frontier.GetValueOrDefault(g.Key.ToLowerInvariant());
                var atFrontier = price is null ? actual : g.Sum(u => AtFrontier(u.Cost, u.Tokens, price));
                return new ProviderRoutingSavings(g.Key, price?.Model, actual, atFrontier, atFrontier - actual);
            })
            .OrderByDescending(p => p.SavingsUsd).ThenBy(p => p.Provider, StringComparer.Ordinal)
            .ToList();
        return new RoutingSavings(providers.Sum(p => p.ActualCostUsd), providers.Sum(p => p.FrontierCostUsd), providers.Sum(p => p.SavingsUsd), providers);
    }

    /// <summary>
    /// What a model's calls would have cost on the frontier model. Calls that came with a cost and
    /// no token counts (a reported cost) count at their own cost: nothing says what they would
    /// have cost elsewhere, and pricing no tokens would show them as a loss.
    /// </summary>
    private static decimal AtFrontier(decimal cost, TokenUsage tokens, Price frontier) =>
        tokens is { Input: 0, Output: 0 } ? cost : CostFormula.Compute(tokens, frontier) ?? cost;

    private static List<LatencyRow> Top(List<LatencyRow> rows) =>
        [.. rows.OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal).Take(MaxRows)];

    private static NpgsqlBatchCommand Command(string sql, QueryWindow window, int? projectId)
    {
        var command = new NpgsqlBatchCommand(sql);
        RollupSource.AddWindow(command.Parameters, window);
        RollupSource.Add(command.Parameters, "project", projectId, NpgsqlDbType.Integer);
        return command;
    }

    private static NpgsqlBatchCommand TeamCommand(string sql, QueryWindow window, int? projectId, string? team)
    {
        var command = Command(sql, window, projectId);
        RollupSource.Add(command.Parameters, "team", team, NpgsqlDbType.Text);
        return command;
    }
}
