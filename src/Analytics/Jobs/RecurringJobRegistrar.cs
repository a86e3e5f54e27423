using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Hosting;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Writes the recurring jobs' schedules into the job store when an instance starts (the last
/// instance to start sets them; every instance has the same), and fires the jobs that should run
/// at start once.
/// </summary>
public sealed class RecurringJobRegistrar(IRecurringJobManager manager, IReadOnlyList<RecurringJobDefinition> jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var execute = typeof(TollgateJob).GetMethod(nameof(TollgateJob.ExecuteAsync))!;
        foreach (var job in jobs)
        {
            manager.AddOrUpdate(
                job.Name,
                new Job(job.JobType, execute, job.Name, null, CancellationToken.None),
                job.Cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc, MisfireHandling = job.Misfire });
            if (job.RunAtStart)
            {
                manager.Trigger(job.Name);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
