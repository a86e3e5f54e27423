using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// Delivers pending alerts from alert_deliveries, so deliveries survive a restart. Each due row is
/// leased (its next attempt moved past the send timeout) before sending, so two processes never
/// send it at once and a crash mid-send only delays it. Every attempt is logged in
/// alert_delivery_attempts; a failure is retried after <see cref="BudgetOptions.RetryBaseDelay"/>
/// doubling with each attempt, up to <see cref="BudgetOptions.MaxDeliveryAttempts"/>. The retry
/// state lives in the table rather than in a Polly pipeline because it must outlive the process.
/// </summary>
public sealed class AlertDeliverer(NpgsqlDataSource dataSource, AlertSender sender, BudgetOptions options, ILogger<AlertDeliverer> logger) : IDisposable
{
    /// <summary>Deliveries taken per round; the rest wait for the next round.</summary>
    public const int BatchSize = 50;

    /// <summary>The longest wait between two attempts, however many failed before.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Asks the worker to look for deliveries now rather than at its next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken already.
            }
        }
    }

    /// <summary>Waits for <see cref="Wake"/> or the timeout.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public static TimeSpan Backoff(TimeSpan baseDelay, int attemptsMade)
    {
        var delay = baseDelay * Math.Pow(2, Math.Min(attemptsMade - 1, 30));
        return delay < MaxBackoff ? delay : MaxBackoff;
    }

    /// <returns>The number of attempts made.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var due = await LeaseAsync(cancellationToken);
        foreach (var delivery in due)
        {
            var outcome = await sender.SendAsync(delivery.Channel, delivery.Target, delivery.Message, cancellationToken);
            await RecordAsync(delivery, outcome, cancellationToken);
        }

        return due.Count;
    }

    private async Task<List<DueDelivery>> LeaseAsync(CancellationToken cancellationToken)
    {
        // Budget alerts are worded from their budget at send time; anomaly deliveries carry their message.
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT id FROM alert_deliveries
                WHERE status = 'pending' AND next_attempt_at <= now()
                ORDER BY next_attempt_at
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
            ), leased AS (
                UPDATE alert_deliveries d SET next_attempt_at = now() + $1
                FROM due WHERE d.id = due.id
                RETURNING d.id, d.channel, d.target, d.attempts, d.alert_id, d.message
            )
            SELECT l.id, l.channel, l.target, l.attempts, a.threshold, a.spent_usd, a.forecast_usd, a.period_start, a.period_end, a.contributors::text,
                b.id, b.project_id, p.name, b.name, b.scope, b.scope_key, b.period, b.amount_usd, l.message::text
            FROM leased l
            LEFT JOIN budget_alerts a ON a.id = l.alert_id
            LEFT JOIN budgets b ON b.id = a.budget_id
            LEFT JOIN projects p ON p.id = b.project_id
            """);
        command.Parameters.Add(new() { Value = options.DeliveryTimeout * 2 });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<DueDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            OutgoingMessage message;
            if (!reader.IsDBNull(18))
            {
                var stored = JsonSerializer.Deserialize<StoredMessage>(reader.GetString(18), JsonSerializerOptions.Web)!;
                message = new OutgoingMessage(stored.Subject, stored.Text, stored.Body);
            }
            else
            {
                var budget = new Budget(reader.GetInt32(10), reader.GetInt32(11), reader.GetString(12), reader.GetString(13), reader.GetString(14),
                    reader.IsDBNull(15) ? null : reader.GetString(15), reader.GetString(16), BudgetStore.Trim(reader.GetDecimal(17)), [], null, null, [], "", default, default);
                var contributors = JsonSerializer.Deserialize<List<Contributor>>(reader.GetString(9), JsonSerializerOptions.Web) ?? [];
                message = AlertMessage.Build(budget, BudgetStore.Trim(reader.GetDecimal(4)), BudgetStore.Trim(reader.GetDecimal(5)), BudgetStore.Trim(reader.GetDecimal(6)),
                    reader.GetDateTime(7), reader.GetDateTime(8), contributors, options.PublicUrl);
            }

            due.Add(new DueDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), message));
        }

        return due;
    }

    private async Task RecordAsync(DueDelivery delivery, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        var attempt = delivery.Attempts + 1;
        var status = outcome.Succeeded ? "delivered" : attempt >= options.MaxDeliveryAttempts ? "failed" : "pending";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var log = new NpgsqlCommand(
            "INSERT INTO alert_delivery_attempts (delivery_id, attempt, succeeded, status_code, error) VALUES ($1, $2, $3, $4, $5)", connection, transaction))
        {
            log.Parameters.Add(new() { Value = delivery.Id });
            log.Parameters.Add(new() { Value = attempt });
            log.Parameters.Add(new() { Value = outcome.Succeeded });
            log.Parameters.Add(new() { Value = (object?)outcome.StatusCode ?? DBNull.Value });
            log.Parameters.Add(new() { Value = (object?)outcome.Error ?? DBNull.Value });
            await log.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE alert_deliveries SET attempts = $2, status = $3, last_error = $4, next_attempt_at = now() + $5,
                delivered_at = CASE WHEN $3 = 'delivered' THEN now() END
            WHERE id = $1
            """, connection, transaction))
        {
            update.Parameters.Add(new() { Value = delivery.Id });
            update.Parameters.Add(new() { Value = attempt });
            update.Parameters.Add(new() { Value = status });
            update.Parameters.Add(new() { Value = (object?)outcome.Error ?? DBNull.Value });
            update.Parameters.Add(new() { Value = Backoff(options.RetryBaseDelay, attempt) });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (!outcome.Succeeded)
        {
            logger.LogWarning("Alert delivery {Id} through {Channel} failed (attempt {Attempt}, now {Status}): {Error}",
                delivery.Id, delivery.Channel, attempt, status, outcome.Error);
        }
    }

    private sealed record DueDelivery(long Id, string Channel, string Target, int Attempts, OutgoingMessage Message);

    private sealed record StoredMessage(string Subject, string Text, JsonElement Body);

    public void Dispose() => _wake.Dispose();
}
