using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Insights;

/// <summary>
/// Reads <see cref="OrganisationFigures"/> from the hourly and daily rollups (daily rows for the
/// whole days of the window, hourly rows at its edges) and the prices, revenue and budgets
/// tables, so that a month costs a few thousand rows rather than a scan of millions of spans.
/// The figures therefore have hour resolution: the window is widened to whole UTC hours, and the
/// figures' <see cref="OrganisationFigures.Window"/> is that widened window. Requests are counted
/// in the hour their trace started and by the trace's own feature, as everywhere else.
/// </summary>
public sealed class OrganisationFiguresLoader(NpgsqlDataSource dataSource)
{
    private const string InProject = "(@project::integer IS NULL OR project_id = @project)";

    public async Task<OrganisationFigures> LoadAsync(QueryWindow window, CancellationToken cancellationToken = default)
    {
        if (window.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(window));
        }

        var hours = window.WholeHours();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var revenue = await LoadRevenueAsync(connection, hours, cancellationToken);
        var figures = await LoadRollupsAsync(connection, hours, revenue, cancellationToken);
        return figures with
        {
            RevenueUsd = revenue.Values.Sum(),
            CatalogueTierPrices = await LoadTierPricesAsync(connection, cancellationToken),
            Budgets = await CountBudgetsAsync(connection, cancellationToken),
        };
    }

    /// <summary>Billing calls from rollup_features, requests from rollup_traces: three small grouped reads in one round trip.</summary>
    private static async Task<OrganisationFigures> LoadRollupsAsync(
        NpgsqlConnection connection, QueryWindow window, Dictionary<string, decimal> revenue, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(window, $"""
            SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(calls - unpriced_calls), 0)::bigint, coalesce(sum(cost_usd), 0),
                   coalesce(sum(cost_usd) FILTER (WHERE team IS NOT NULL AND feature IS NOT NULL), 0),
                   coalesce(sum(custom_model_calls), 0)::bigint
            FROM {RollupSource.Of("features")} r
            WHERE {InProject}
            """));
        batch.BatchCommands.Add(Command(window, $"""
            SELECT feature, sum(requests)::bigint, sum(routed_requests)::bigint, sum(cache_hit_requests)::bigint, sum(quality_check_spans)::bigint
            FROM {RollupSource.Of("traces")} r
            WHERE {InProject}
            GROUP BY feature
            """));
        batch.BatchCommands.Add(Command(window, $"""
            SELECT feature, CASE WHEN model IS NULL THEN NULL ELSE coalesce(provider || '/', '') || model END, tier,
                   sum(calls)::bigint, sum(cost_usd)
            FROM {RollupSource.Of("features")} r
            WHERE {InProject}
            GROUP BY 1, 2, 3
            """));

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var figures = new OrganisationFigures
        {
            Window = window,
            BillingSpans = reader.GetInt64(0),
            PricedBillingSpans = reader.GetInt64(1),
            CostUsd = Money(reader, 2),
            AttributedCostUsd = Money(reader, 3),
            CustomModelCalls = reader.GetInt64(4),
        };

        await reader.NextResultAsync(ct);
        var requests = new List<(string? Feature, long Requests, long Routed, long CacheHits, long QualityChecks)>();
        while (await reader.ReadAsync(ct))
        {
            requests.Add((Text(reader, 0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        await reader.NextResultAsync(ct);
        var cells = new List<CostCell>();
        while (await reader.ReadAsync(ct))
        {
            cells.Add(new CostCell(Text(reader, 0), Text(reader, 1), Text(reader, 2), reader.GetInt64(3), Money(reader, 4)));
        }

        return figures with
        {
            Requests = requests.Sum(r => r.Requests),
            RoutedRequests = requests.Sum(r => r.Routed),
            CacheHitRequests = requests.Sum(r => r.CacheHits),
            QualityCheckSpans = requests.Sum(r => r.QualityChecks),
            Features = Features(requests.Select(r => (r.Feature, r.Requests, r.CacheHits)), cells, revenue),
            Cells = cells,
        };
    }

    /// <summary>
    /// One row per feature with requests (by the trace's feature), billing cost (by the call's
    /// feature) or revenue in the window.
    /// </summary>
    private static List<FeatureFigures> Features(
        IEnumerable<(string? Feature, long Requests, long CacheHits)> requests, List<CostCell> cells, Dictionary<string, decimal> revenue)
    {
        var requestsOf = requests.ToLookup(r => r.Feature);
        var costOf = cells.ToLookup(c => c.Feature);
        // Revenue for a feature that made no calls in the window still belongs in a P&L.
        var features = requestsOf.Select(g => g.Key).Union(costOf.Select(g => g.Key)).Union(revenue.Keys);
        return
        [
            .. features
                .Select(f => new FeatureFigures(f, requestsOf[f].Sum(r => r.Requests), requestsOf[f].Sum(r => r.CacheHits), costOf[f].Sum(c => c.CostUsd),
                    f is not null && revenue.TryGetValue(f, out var amount) ? amount : 0m))
                .OrderBy(f => f.Feature is null).ThenBy(f => f.Feature, StringComparer.Ordinal),
        ];
    }

    /// <summary>Revenue per feature, each period's amount prorated by its overlap with the window.</summary>
    private static async Task<Dictionary<string, decimal>> LoadRevenueAsync(NpgsqlConnection connection, QueryWindow window, CancellationToken ct)
    {
        await using var command = Command(connection, window, """
            SELECT r.feature,
                   sum(r.amount_usd * (extract(epoch FROM least(r.period_end, $2) - greatest(r.period_start, $1))
                                       / extract(epoch FROM r.period_end - r.period_start)))
            FROM revenue r
            WHERE r.period_end > $1 AND r.period_start < $2 AND ($3::integer IS NULL OR r.project_id = $3)
            GROUP BY r.feature
            """);
        var revenue = new Dictionary<string, decimal>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            revenue[reader.GetString(0)] = decimal.Round(reader.GetDecimal(1), 6) / Scale;
        }

        return revenue;
    }

    private static async Task<Dictionary<string, decimal>> LoadTierPricesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT tier, avg(input_per_mtok + output_per_mtok) FROM prices GROUP BY tier", connection);
        var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (PriceTiers.IsValid(reader.GetString(0)))
            {
                prices[reader.GetString(0)] = reader.GetDecimal(1);
            }
        }

        return prices;
    }

    private static async Task<int> CountBudgetsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM budgets", connection);
        return Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Divides out numeric's trailing zeros (0.4000000000 reads as 0.4).</summary>
    private const decimal Scale = 1.000000000000000000000000000000000m;

    private static decimal Money(NpgsqlDataReader reader, int ordinal) => reader.GetDecimal(ordinal) / Scale;

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static NpgsqlBatchCommand Command(QueryWindow window, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        RollupSource.AddWindow(command.Parameters, window);
        RollupSource.Add(command.Parameters, "project", window.ProjectId, NpgsqlDbType.Integer);
        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, QueryWindow window, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = window.From, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = window.To, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)window.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        return command;
    }
}
