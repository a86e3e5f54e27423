using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Budgets;

/// <summary>Keeps the in-memory spend current and raises due alerts after every refresh.</summary>
public sealed class SpendRefreshWorker(SpendTracker tracker, BudgetEvaluator evaluator, BudgetOptions options, ILogger<SpendRefreshWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await tracker.RefreshAsync(stoppingToken);
                await evaluator.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database outage must not stop tracking for good; the next round tries again.
                logger.LogWarning(ex, "Budget spend refresh failed; retrying in {Interval}", options.SpendPollInterval);
            }

            await Task.Delay(options.SpendPollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>Delivers pending alerts: at every poll, and at once when new alerts are raised.</summary>
public sealed class AlertDeliveryWorker(AlertDeliverer deliverer, BudgetOptions options, ILogger<AlertDeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var made = 0;
            try
            {
                made = await deliverer.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Alert delivery round failed; retrying in {Interval}", options.DeliveryPollInterval);
            }

            if (made < AlertDeliverer.BatchSize)
            {
                await deliverer.WaitAsync(options.DeliveryPollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
