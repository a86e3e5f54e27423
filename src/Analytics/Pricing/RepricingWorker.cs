using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Analytics.Pricing;

/// <summary>
/// Carries out queued re-pricing runs one at a time, and takes over runs whose worker went silent.
/// Wakes when this process queues a run, and looks for work every <see cref="PollInterval"/> for
/// runs queued by another instance or left behind by one that stopped.
/// </summary>
public sealed class RepricingWorker(RepricingService repricing, ILogger<RepricingWorker> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await repricing.RunNextAsync(progress: null, stoppingToken) is not null)
                {
                    continue;
                }

                await repricing.WaitForQueuedAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The run is marked failed, or stays to be resumed; the worker goes on with the next.
                // Letting the exception out would stop the whole host.
                logger.LogWarning(e, "Re-pricing worker: a run stopped; looking again in {Delay}", RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }
}
