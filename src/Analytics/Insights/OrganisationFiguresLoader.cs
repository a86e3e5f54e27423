using System.Globalization;
using Npgsql;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Insights;

/// <summary>
/// Reads <see cref="OrganisationFigures"/> from the spans, prices, revenue and budgets tables
/// with plain SQL bounded to the window. The one place these figures are queried, so that it
/// can later read rollups instead of raw spans.
/// </summary>
public sealed class OrganisationFiguresLoader(NpgsqlDataSource dataSource)
{
    private const string Cost = "coalesce(s.provided_cost_usd, s.computed_cost_usd)";
    private const string InWindow = "s.start_time >= $1 AND s.start_time < $2 AND ($3::integer IS NULL OR s.project_id = $3)";

    public async Task<OrganisationFigures> LoadAsync(InsightWindow window, CancellationToken cancellationToken = default)
    {
        if (window.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(window));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var figures = await LoadTotalsAsync(connection, window, cancellationToken);
        var revenue = await LoadRevenueAsync(connection, window, cancellationToken);
        var features = await LoadFeaturesAsync(connection, window, revenue, cancellationToken);
        return figures with
        {
            RevenueUsd = revenue.Values.Sum(),
            Features = features,
            Cells = await LoadCellsAsync(connection, window, cancellationToken),
            CatalogueTierPrices = await LoadTierPricesAsync(connection, cancellationToken),
            Budgets = await CountBudgetsAsync(connection, cancellationToken),
        };
    }

    private static async Task<OrganisationFigures> LoadTotalsAsync(NpgsqlConnection connection, InsightWindow window, CancellationToken ct)
    {
        await using var command = Command(connection, window, $"""
            SELECT count(DISTINCT s.trace_id),
                   count(DISTINCT s.trace_id) FILTER (WHERE s.route_decision IS NOT NULL),
                   count(DISTINCT s.trace_id) FILTER (WHERE s.cache_hit),
                   count(*) FILTER (WHERE s.billing),
                   count(*) FILTER (WHERE s.billing AND {Cost} IS NOT NULL),
                   coalesce(sum({Cost}) FILTER (WHERE s.billing), 0),
                   coalesce(sum({Cost}) FILTER (WHERE s.billing AND s.team IS NOT NULL AND s.feature IS NOT NULL), 0),
                   count(*) FILTER (WHERE s.billing AND (p.origin = 'custom' OR s.model ILIKE 'ft:%' OR s.model ILIKE '%:ft-%'
                                                         OR s.model ILIKE '%fine-tuned%' OR s.model ILIKE '%finetuned%')),
                   count(*) FILTER (WHERE lower(s.operation) IN ('guardrail', 'evaluator', 'evaluation')
                                       OR s.name ILIKE '%guardrail%' OR s.name ILIKE '%eval%')
            FROM spans s LEFT JOIN prices p ON p.id = s.price_id
            WHERE {InWindow}
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new OrganisationFigures
        {
            Window = window,
            Requests = reader.GetInt64(0),
            RoutedRequests = reader.GetInt64(1),
            CacheHitRequests = reader.GetInt64(2),
            BillingSpans = reader.GetInt64(3),
            PricedBillingSpans = reader.GetInt64(4),
            CostUsd = Money(reader, 5),
            AttributedCostUsd = Money(reader, 6),
            CustomModelCalls = reader.GetInt64(7),
            QualityCheckSpans = reader.GetInt64(8),
        };
    }

    private static async Task<List<FeatureFigures>> LoadFeaturesAsync(
        NpgsqlConnection connection, InsightWindow window, Dictionary<string, decimal> revenue, CancellationToken ct)
    {
        await using var command = Command(connection, window, $"""
            SELECT s.feature, count(DISTINCT s.trace_id), count(DISTINCT s.trace_id) FILTER (WHERE s.cache_hit),
                   coalesce(sum({Cost}) FILTER (WHERE s.billing), 0)
            FROM spans s
            WHERE {InWindow}
            GROUP BY s.feature
            """);
        var rows = new List<FeatureFigures>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var feature = reader.IsDBNull(0) ? null : reader.GetString(0);
                rows.Add(new FeatureFigures(feature, reader.GetInt64(1), reader.GetInt64(2), Money(reader, 3),
                    feature is not null && revenue.TryGetValue(feature, out var amount) ? amount : 0m));
            }
        }

        // Revenue for a feature that made no calls in the window still belongs in a P&L.
        foreach (var (feature, amount) in revenue.Where(r => rows.All(f => f.Feature != r.Key)))
        {
            rows.Add(new FeatureFigures(feature, 0, 0, 0m, amount));
        }

        return [.. rows.OrderBy(f => f.Feature is null).ThenBy(f => f.Feature, StringComparer.Ordinal)];
    }

    private static async Task<List<CostCell>> LoadCellsAsync(NpgsqlConnection connection, InsightWindow window, CancellationToken ct)
    {
        await using var command = Command(connection, window, $"""
            SELECT s.feature, CASE WHEN s.model IS NULL THEN NULL ELSE coalesce(s.provider || '/', '') || s.model END,
                   CASE WHEN s.route_tier IN ('small', 'mid', 'frontier') THEN s.route_tier ELSE p.tier END,
                   count(*), coalesce(sum({Cost}), 0)
            FROM spans s LEFT JOIN prices p ON p.id = s.price_id
            WHERE s.billing AND {InWindow}
            GROUP BY 1, 2, 3
            """);
        var cells = new List<CostCell>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cells.Add(new CostCell(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                Money(reader, 4)));
        }

        return cells;
    }

    /// <summary>Revenue per feature, each period's amount prorated by its overlap with the window.</summary>
    private static async Task<Dictionary<string, decimal>> LoadRevenueAsync(NpgsqlConnection connection, InsightWindow window, CancellationToken ct)
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

    private static NpgsqlCommand Command(NpgsqlConnection connection, InsightWindow window, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = window.From, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = window.To, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)window.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        return command;
    }
}
