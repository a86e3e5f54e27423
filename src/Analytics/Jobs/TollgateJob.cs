using System.ComponentModel;
using Hangfire;
using Hangfire.Server;

namespace Tollgate.Analytics.Jobs;

/// <summary>Base of every recurring job: Hangfire calls <see cref="ExecuteAsync"/>, which runs the job's work through <see cref="JobRunner"/>.</summary>
public abstract class TollgateJob(JobRunner runner)
{
    /// <summary>
    /// Hangfire's entry point. A failure is not retried: every recurring job catches up from a
    /// watermark or re-reads its window, so the next fire is the retry.
    /// </summary>
    /// <param name="name">The job's name, as in job_runs.</param>
    /// <param name="context">Filled in by Hangfire.</param>
    /// <param name="cancellationToken">Filled in by Hangfire: cancelled when the instance shuts down.</param>
    /// <returns>Whether this fire ran the job (false: it was running elsewhere).</returns>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("{0}")]
    public Task<bool> ExecuteAsync(string name, PerformContext? context, CancellationToken cancellationToken) =>
        runner.RunOnceAsync(name, context?.BackgroundJob.Id, context?.BackgroundJob.CreatedAt, RunAsync, cancellationToken);

    /// <summary>The job's work; returns the rows it wrote or changed.</summary>
    protected abstract Task<long> RunAsync(CancellationToken cancellationToken);
}
