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

    /// <summary>
    /// The wait after a failed pass (the database away, say), doubled after each failure up to
    /// <see cref="Interval"/>: a pass that fails does not leave old months undropped for six hours.
    /// </summary>
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromMinutes(1);

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await partitions.EnsureAsync(now, now.AddMonths(2), cancellationToken);
        await partitions.DropBeforeAsync(now.AddDays(-options.RetentionDays), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await RunOnceAsync(stoppingToken);
                (wait, retry) = (Interval, FirstRetry);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Span partition upkeep failed, retrying in {Wait}: {Reason}", retry, ex.Message);
                (wait, retry) = (retry, TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, Interval.Ticks)));
            }

            await Task.Delay(wait, time, stoppingToken);
        }
    }
}
