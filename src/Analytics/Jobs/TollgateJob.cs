using Quartz;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Base of every scheduled job: records each run in job_runs (instance, start, end, outcome,
/// rows touched, error) around the job's own work.
/// </summary>
public abstract class TollgateJob(JobRunLog log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = await log.StartAsync(
            context.JobDetail.Key.Name, context.Scheduler.SchedulerInstanceId, context.FireInstanceId,
            context.ScheduledFireTimeUtc?.UtcDateTime, cancellationToken);
        long rows;
        try
        {
            rows = await RunAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await log.FinishAsync(id, JobRunLog.Failed, null, e.Message);
            throw new JobExecutionException(e);
        }

        await log.FinishAsync(id, JobRunLog.Succeeded, rows, null);
    }

    /// <summary>The job's work; returns the rows it wrote or changed.</summary>
    protected abstract Task<long> RunAsync(CancellationToken cancellationToken);
}
