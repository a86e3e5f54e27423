using System.ComponentModel;
using Hangfire;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Jobs;

/// <summary>Starts re-pricing runs as background jobs: the run is recorded, then a job carries it out on any instance.</summary>
public sealed class RepricingJobs(RepricingService repricing, IBackgroundJobClient jobs)
{
    /// <summary>Records a run over [<paramref name="fromUtc"/>, <paramref name="toUtc"/>) and queues its job.</summary>
    /// <returns>The run's id, to follow with <see cref="RepricingService.GetAsync"/>.</returns>
    public async Task<int> QueueAsync(DateTime fromUtc, DateTime toUtc, string actor, CancellationToken cancellationToken = default)
    {
        var runId = await repricing.CreateRunAsync(fromUtc, toUtc, actor, cancellationToken);
        try
        {
            jobs.Enqueue<RepricingJob>(job => job.RunAsync(runId, CancellationToken.None));
        }
        catch (Exception e)
        {
            // Else the run would stay queued with nothing to carry it out.
            await repricing.FailQueuedAsync(runId, "The run could not be queued; add the price again or re-price the period.");
            throw new InvalidOperationException($"Re-pricing run {runId} could not be queued.", e);
        }

        return runId;
    }
}

/// <summary>
/// The background job of one re-pricing run. Hangfire runs it again when its instance stopped
/// mid-run; the run then resumes after its last committed slice. A run another worker still holds
/// is retried later (Hangfire's retries back off), by when that worker has finished or gone silent.
/// </summary>
public sealed class RepricingJob(RepricingService repricing)
{
    [AutomaticRetry(Attempts = 10)]
    [DisplayName("re-pricing run {0}")]
    public async Task RunAsync(int runId, CancellationToken cancellationToken)
    {
        if (await repricing.RunQueuedAsync(runId, progress: null, cancellationToken) is not null)
        {
            return;
        }

        var run = await repricing.GetAsync(runId, cancellationToken);
        if (run is { Ended: false })
        {
            throw new InvalidOperationException($"Re-pricing run {runId} is held by another worker; trying again later.");
        }
    }
}
