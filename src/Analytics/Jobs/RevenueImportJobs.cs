using System.ComponentModel;
using Hangfire;
using Tollgate.Analytics.Revenue;

namespace Tollgate.Analytics.Jobs;

/// <summary>Starts revenue imports as background jobs: the file is kept, then a job imports it on any instance.</summary>
public sealed class RevenueImportJobs(RevenueImports imports, IBackgroundJobClient jobs)
{
    /// <summary>Keeps the file and queues its import.</summary>
    /// <returns>The import's id, to follow with <see cref="RevenueImports.GetAsync"/>.</returns>
    public async Task<long> QueueAsync(int projectId, byte[] body, string? fileName, string actor, CancellationToken cancellationToken = default)
    {
        var id = await imports.CreateAsync(projectId, body, fileName, actor, cancellationToken);
        try
        {
            jobs.Enqueue<RevenueImportJob>(job => job.RunAsync(id, CancellationToken.None));
        }
        catch (Exception e)
        {
            await imports.FailQueuedAsync(id, "The import could not be queued; upload the file again.");
            throw new InvalidOperationException($"Revenue import {id} could not be queued.", e);
        }

        return id;
    }
}

/// <summary>
/// The background job of one revenue import. Hangfire runs it again after a crash or a database
/// outage; the import then starts over, its earlier attempt having rolled back.
/// </summary>
public sealed class RevenueImportJob(RevenueImports imports)
{
    [AutomaticRetry(Attempts = 10)]
    [DisplayName("revenue import {0}")]
    public Task RunAsync(long importId, CancellationToken cancellationToken) => imports.RunAsync(importId, cancellationToken);
}
