using Tollgate.Analytics.Pricing;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>Picks up price changes made through another instance within a minute.</summary>
public sealed class PriceRefresher(CurrentPrices prices, ILogger<PriceRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await prices.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                // Keep pricing with the catalogue in hand; the next tick tries again.
                logger.LogWarning("Could not reload the price catalogue: {Reason}", ex.Message);
            }
        }
    }
}
