using Tollgate.Analytics.Pricing;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>
/// Picks up price changes made through another instance within a minute, and saves the
/// receiver's snapshot (prices and active keys) with them.
/// </summary>
public sealed class PriceRefresher(CurrentPrices prices, IngestKeyStore keys, ILogger<PriceRefresher> logger, ReceiverSnapshot? snapshot = null) : BackgroundService
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
                if (snapshot is not null)
                {
                    await snapshot.SaveAsync(prices.Catalogue, keys, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                // Keep pricing with the catalogue in hand; the next tick tries again.
                logger.LogWarning("Could not reload the price catalogue: {Reason}", ex.Message);
            }
        }
    }
}
