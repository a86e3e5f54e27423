using Tollgate.Analytics.Budgets;

namespace Tollgate.Analytics.Jobs;

/// <summary>Sends each team last week's spend digest, on Monday mornings.</summary>
public sealed class WeeklyDigestJob(WeeklyDigest digest, JobRunner runner) : TollgateJob(runner)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken) => await digest.RunAsync(cancellationToken);
}
