using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Writes the recurring jobs' schedules into the job store when an instance starts (the last
/// instance to start sets them; every instance has the same), and fires the jobs that should run
/// at start once.
/// </summary>
/// <remarks>
/// Registering takes a lock in the job store. An instance killed while it held one leaves the lock
/// behind until it expires (<see cref="JobsServiceCollectionExtensions.DistributedLockTimeout"/>),
/// and the database may be briefly unreachable: neither may stop an instance from starting, since
/// the schedules of earlier starts are still stored and run. A job that could not be registered is
/// retried in the background until it is.
/// </remarks>
public sealed class RecurringJobRegistrar(
    IRecurringJobManager manager,
    IReadOnlyList<RecurringJobDefinition> jobs,
    ILogger<RecurringJobRegistrar> logger) : IHostedService, IAsyncDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var pending = jobs.Where(job => !TryRegister(job)).ToList();
        if (pending.Count > 0)
        {
            _retrying = Task.Run(() => RetryAsync(pending, _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _retrying.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RetryAsync(List<RecurringJobDefinition> pending, CancellationToken stopping)
    {
        while (pending.Count > 0 && !stopping.IsCancellationRequested)
        {
            await Task.Delay(RetryInterval, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stopping.IsCancellationRequested)
            {
                pending.RemoveAll(TryRegister);
            }
        }
    }

    private bool TryRegister(RecurringJobDefinition job)
    {
        try
        {
            manager.AddOrUpdate(
                job.Name,
                new Job(job.JobType, typeof(TollgateJob).GetMethod(nameof(TollgateJob.ExecuteAsync))!, job.Name, null, CancellationToken.None),
                job.Cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc, MisfireHandling = job.Misfire });
            if (job.RunAtStart)
            {
                manager.Trigger(job.Name);
            }

            return true;
        }
        catch (Exception e) when (e is PostgreSqlDistributedLockException or DistributedLockTimeoutException or NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not register the recurring job {Job} yet (its stored schedule, if any, still runs); retrying every {Interval}", job.Name, RetryInterval);
            return false;
        }
    }
}
