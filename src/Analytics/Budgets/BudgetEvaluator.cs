using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// Raises the alerts that are due: one per budget, period and threshold crossed by the spend so
/// far. The unique key of budget_alerts makes raising idempotent, so repeated evaluations and
/// several dashboard processes raise each alert once; thresholds known to be raised are also
/// remembered in memory so that an evaluation every few seconds costs no query.
/// </summary>
public sealed class BudgetEvaluator(NpgsqlDataSource dataSource, SpendTracker tracker, AlertDeliverer deliverer, TimeProvider time, ILogger<BudgetEvaluator> logger) : IDisposable
{
    /// <summary>Remembered raised thresholds; forgotten all at once beyond this (they are re-checked against the table).</summary>
    private const int MaxRemembered = 100_000;

    private readonly HashSet<(int BudgetId, DateTime PeriodStart, decimal Threshold)> _raised = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <returns>The number of alerts this call raised.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var raised = 0;
            foreach (var budget in tracker.Budgets.All)
            {
                var figures = tracker.Figures(budget, now);
                foreach (var threshold in budget.Thresholds)
                {
                    if (figures.SpentUsd < threshold * budget.AmountUsd || _raised.Contains((budget.Id, figures.PeriodStart, threshold)))
                    {
                        continue;
                    }

                    if (await RaiseAsync(budget, threshold, figures, cancellationToken))
                    {
                        raised++;
                    }

                    if (_raised.Count >= MaxRemembered)
                    {
                        _raised.Clear();
                    }

                    _raised.Add((budget.Id, figures.PeriodStart, threshold));
                }
            }

            if (raised > 0)
            {
                deliverer.Wake();
            }

            return raised;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> RaiseAsync(Budget budget, decimal threshold, BudgetFigures figures, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var contributors = await Contributors.TopAsync(connection, budget, figures.PeriodStart, figures.PeriodEnd, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long alertId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO budget_alerts (budget_id, period_start, period_end, threshold, spent_usd, forecast_usd, percent_used, contributors)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (budget_id, period_start, threshold) DO NOTHING
            RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = budget.Id });
            insert.Parameters.Add(new() { Value = figures.PeriodStart });
            insert.Parameters.Add(new() { Value = figures.PeriodEnd });
            insert.Parameters.Add(new() { Value = threshold });
            insert.Parameters.Add(new() { Value = figures.SpentUsd });
            insert.Parameters.Add(new() { Value = Math.Round(figures.ForecastUsd, 10) });
            insert.Parameters.Add(new() { Value = Math.Round(figures.SpentUsd / budget.AmountUsd * 100m, 4) });
            insert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(contributors, JsonSerializerOptions.Web) });
            if (await insert.ExecuteScalarAsync(cancellationToken) is not long id)
            {
                // Raised before, by an earlier evaluation or another process.
                return false;
            }

            alertId = id;
        }

        foreach (var (channel, target) in AlertChannels.Of(budget))
        {
            await using var delivery = new NpgsqlCommand("INSERT INTO alert_deliveries (alert_id, channel, target) VALUES ($1, $2, $3)", connection, transaction);
            delivery.Parameters.Add(new() { Value = alertId });
            delivery.Parameters.Add(new() { Value = channel });
            delivery.Parameters.Add(new() { Value = target });
            await delivery.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Budget {Budget} ({Id}) passed {Threshold} of {Amount} USD: {Spent} USD spent", budget.Name, budget.Id, threshold, budget.AmountUsd, figures.SpentUsd);
        return true;
    }

    public void Dispose() => _gate.Dispose();
}
