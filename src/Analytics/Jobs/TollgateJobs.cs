using Quartz;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// A job, how often it runs, and what to do when a run was missed (the scheduler was down or
/// busy). Jobs tied to the calendar give a cron expression (UTC) instead of an interval.
/// </summary>
public sealed record JobRegistration(string Name, Type JobType, TimeSpan Interval, SimpleTriggerMisfireInstruction Misfire, string? Cron = null);

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
        // Same reasoning: its own watermark makes the next run catch up.
        new("dependencies", typeof(DependencyRollupJob), TimeSpan.FromSeconds(options.RollupIntervalSeconds), SimpleTriggerMisfireInstruction.NextWithRemainingCount),
        // Each scan re-reads five weeks and stores the last day's anomalies, so a missed scan
        // is covered by the next one.
        new("anomalies", typeof(AnomalyScanJob), TimeSpan.FromMinutes(options.AnomalyScanIntervalMinutes), SimpleTriggerMisfireInstruction.NextWithRemainingCount),
        // Mondays 07:00 UTC, after the week has closed. A digest missed while every instance was
        // down is sent once when one comes back (cron misfires fire once and proceed).
        new("weekly-digest", typeof(WeeklyDigestJob), TimeSpan.Zero, SimpleTriggerMisfireInstruction.FireNow, Cron: "0 0 7 ? * MON"),
    ];
}
