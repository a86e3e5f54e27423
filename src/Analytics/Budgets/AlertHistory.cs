using System.Text.Json;
using Npgsql;

namespace Tollgate.Analytics.Budgets;

public sealed record AlertAttempt(int Attempt, DateTime At, bool Succeeded, int? StatusCode, string? Error);

public sealed record AlertDelivery(long Id, string Channel, string Target, string Status, int Attempts, DateTime NextAttemptAt, DateTime? DeliveredAt, string? LastError, IReadOnlyList<AlertAttempt> AttemptLog);

public sealed record AlertRecord(
    long Id, DateTime PeriodStart, DateTime PeriodEnd, decimal Threshold, decimal SpentUsd, decimal ForecastUsd, decimal PercentUsed,
    IReadOnlyList<Contributor> Contributors, DateTime CreatedAt, IReadOnlyList<AlertDelivery> Deliveries);

/// <summary>A budget's raised alerts, newest first, each with its deliveries and every attempt made.</summary>
public sealed class AlertHistory(NpgsqlDataSource dataSource)
{
    /// <summary>About two years of weekly alerts at three thresholds.</summary>
    public const int MaxAlerts = 300;

    public async Task<IReadOnlyList<AlertRecord>> ListAsync(int budgetId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var alerts = new List<(long Id, AlertRecord Record)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT id, period_start, period_end, threshold, spent_usd, forecast_usd, percent_used, contributors::text, created_at
            FROM budget_alerts WHERE budget_id = $1 ORDER BY created_at DESC, id DESC LIMIT {MaxAlerts}
            """, connection))
        {
            command.Parameters.Add(new() { Value = budgetId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var contributors = JsonSerializer.Deserialize<List<Contributor>>(reader.GetString(7), JsonSerializerOptions.Web) ?? [];
                alerts.Add((reader.GetInt64(0), new AlertRecord(reader.GetInt64(0), reader.GetDateTime(1), reader.GetDateTime(2), BudgetStore.Trim(reader.GetDecimal(3)),
                    BudgetStore.Trim(reader.GetDecimal(4)), BudgetStore.Trim(reader.GetDecimal(5)), BudgetStore.Trim(reader.GetDecimal(6)), contributors, reader.GetDateTime(8), [])));
            }
        }

        var ids = alerts.Select(a => a.Id).ToArray();
        var attempts = new Dictionary<long, List<AlertAttempt>>();
        await using (var command = new NpgsqlCommand("""
            SELECT t.delivery_id, t.attempt, t.at, t.succeeded, t.status_code, t.error
            FROM alert_delivery_attempts t JOIN alert_deliveries d ON d.id = t.delivery_id
            WHERE d.alert_id = ANY($1) ORDER BY t.delivery_id, t.attempt
            """, connection))
        {
            command.Parameters.Add(new() { Value = ids });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var list = attempts.TryGetValue(reader.GetInt64(0), out var found) ? found : attempts[reader.GetInt64(0)] = [];
                list.Add(new AlertAttempt(reader.GetInt32(1), reader.GetDateTime(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        var deliveries = new Dictionary<long, List<AlertDelivery>>();
        await using (var command = new NpgsqlCommand("""
            SELECT id, alert_id, channel, target, status, attempts, next_attempt_at, delivered_at, last_error
            FROM alert_deliveries WHERE alert_id = ANY($1) ORDER BY id
            """, connection))
        {
            command.Parameters.Add(new() { Value = ids });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var list = deliveries.TryGetValue(reader.GetInt64(1), out var found) ? found : deliveries[reader.GetInt64(1)] = [];
                list.Add(new AlertDelivery(reader.GetInt64(0), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetDateTime(6),
                    reader.IsDBNull(7) ? null : reader.GetDateTime(7), reader.IsDBNull(8) ? null : reader.GetString(8), attempts.GetValueOrDefault(reader.GetInt64(0)) ?? []));
            }
        }

        return alerts.Select(a => a.Record with { Deliveries = deliveries.GetValueOrDefault(a.Id) ?? [] }).ToList();
    }
}
