using Quartz;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Jobs;

/// <summary>A job, how often it runs, and what to do when a run was missed (the scheduler was down or busy).</summary>
public sealed record JobRegistration(string Name, Type JobType, TimeSpan Interval, SimpleTriggerMisfireInstruction Misfire);

/// <summary>Every scheduled job of Tollgate, in one place: add a line here to add a job.</summary>
public static class TollgateJobs
{
    public const string Group = "tollgate";

    public static IReadOnlyList<JobRegistration> All(JobsOptions options) =>
    [
        // A missed run needs no catch-up: the next run recomputes everything written since the
        // watermark, so missed fires are dropped and the job waits for its next regular time
        // (at most one interval late) instead of firing a burst of runs after downtime.
        new("rollups", typeof(RollupJob), TimeSpan.FromSeconds(options.RollupIntervalSeconds), SimpleTriggerMisfireInstruction.NextWithRemainingCount),
    ];
}
