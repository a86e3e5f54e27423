using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Storage;

/// <summary>
/// Keeps span partitions ready two months ahead and drops those past the retention period.
/// Every instance runs it; the work is idempotent and serialised in the database.
/// </summary>
public sealed class PartitionMaintenance(SpanPartitions partitions, TollgateOptions options, TimeProvider time, ILogger<PartitionMaintenance> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await partitions.EnsureAsync(now, now.AddMonths(2), cancellationToken);
        await partitions.DropBeforeAsync(now.AddDays(-options.RetentionDays), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Span partition upkeep failed, retrying in {Interval}: {Reason}", Interval, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
