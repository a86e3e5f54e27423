using Hangfire;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// A recurring job: its id (also its name in job_runs and the dashboard), the class doing the work,
/// when it fires (a UTC cron expression, seconds first), what to do with fires missed while every
/// instance was down, and whether it also runs once when an instance starts.
/// </summary>
public sealed record RecurringJobDefinition(string Name, Type JobType, string Cron, MisfireHandlingMode Misfire, bool RunAtStart);

/// <summary>Every recurring job of Tollgate, in one place: add a line here to add a job.</summary>
public static class RecurringJobs
{
    public const string Rollups = "rollups";
    public const string Dependencies = "dependencies";
    public const string Anomalies = "anomalies";
    public const string WeeklyDigest = "weekly-digest";

    public static IReadOnlyList<RecurringJobDefinition> All(JobsOptions options) =>
    [
        // A missed fire needs no catch-up: the next run recomputes everything written since the
        // watermark, so missed fires are ignored. Run at start so that a fresh instance (and its
        // demo data) is rolled up at once rather than a whole interval later.
        new(Rollups, typeof(RollupJob), JobSchedule.Every(TimeSpan.FromSeconds(options.RollupIntervalSeconds)), MisfireHandlingMode.Ignorable, RunAtStart: true),
        // Same reasoning: its own watermark makes the next run catch up.
        new(Dependencies, typeof(DependencyRollupJob), JobSchedule.Every(TimeSpan.FromSeconds(options.RollupIntervalSeconds)), MisfireHandlingMode.Ignorable, RunAtStart: true),
        // Each scan re-reads five weeks and stores the last day's anomalies, so a missed scan is
        // covered by the next one.
        new(Anomalies, typeof(AnomalyScanJob), JobSchedule.Every(TimeSpan.FromMinutes(options.AnomalyScanIntervalMinutes)), MisfireHandlingMode.Ignorable, RunAtStart: true),
        // Mondays 07:00 UTC, after the week has closed. A digest missed while every instance was
        // down is sent once when one comes back (relaxed: several missed fires make one run).
        new(WeeklyDigest, typeof(WeeklyDigestJob), "0 0 7 * * MON", MisfireHandlingMode.Relaxed, RunAtStart: false),
    ];
}
