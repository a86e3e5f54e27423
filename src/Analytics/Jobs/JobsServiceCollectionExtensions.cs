using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// The scheduler: Quartz with its ADO job store on Tollgate's PostgreSQL database, clustered, so
/// that several dashboard instances share the jobs and each fire runs on exactly one of them.
/// </summary>
public static class JobsServiceCollectionExtensions
{
    public const string SchedulerName = "tollgate";

    /// <summary>How often an instance tells the cluster it is alive; one silent for a few of these has its work taken over.</summary>
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(7);

    public static IServiceCollection AddTollgateJobs(this IServiceCollection services, TollgateOptions options)
    {
        services.AddSingleton<JobRunLog>();
        if (!options.Jobs.Enabled)
        {
            return services;
        }

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                if (!string.IsNullOrWhiteSpace(options.Jobs.InstanceId))
                {
                    s.InstanceId = options.Jobs.InstanceId;
                }
                else
                {
                    s.GenerateInstanceId = true;
                }
            });
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(options.ConnectionString);
                store.UseClustering(c => c.CheckinInterval = CheckinInterval);
                store.UseSystemTextJsonSerializer();
            });
            foreach (var job in TollgateJobs.All(options.Jobs))
            {
                var key = new JobKey(job.Name, TollgateJobs.Group);
                q.AddJob(job.JobType, j => j.WithIdentity(key).DisallowConcurrentExecution().StoreDurably());
                q.AddTrigger(t =>
                {
                    t.ForJob(key).WithIdentity(job.Name, TollgateJobs.Group).StartNow();
                    if (job.Cron is { } cron)
                    {
                        t.WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed));
                    }
                    else
                    {
                        t.WithSimpleSchedule(s => s.WithInterval(job.Interval).RepeatForever().WithMisfireInstruction(job.Misfire));
                    }
                });
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
