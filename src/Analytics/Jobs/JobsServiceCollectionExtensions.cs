using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// The job store and the job server: Hangfire on Tollgate's PostgreSQL database, so that several
/// dashboard instances share the jobs and each fire runs on one of them.
/// </summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// How often an idle worker looks for enqueued jobs. Hangfire's default, 15 s, would make a
    /// re-pricing an admin starts wait that long; one indexed query a second per worker is cheap.
    /// </summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A job whose instance stopped answering for this long is handed to another instance. Jobs
    /// keep theirs alive while running (sliding), so a long job is never taken over while alive.
    /// </summary>
    public static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Workers per instance: the recurring jobs each hold one at most (they never overlap
    /// themselves), plus room for background work users start (re-pricing, imports).
    /// </summary>
    public const int WorkerCount = 6;

    /// <summary>
    /// A lock in the job store older than this is taken to be left by a dead instance and removed.
    /// Hangfire holds its locks for milliseconds (scheduling a fire, registering a schedule), so a
    /// minute is far beyond any live holder, and an instance killed while holding one delays the
    /// others by a minute rather than the storage's default ten.
    /// </summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The job store, always (the API lists runs and the dashboard shows jobs in any instance),
    /// and the server with the recurring jobs when <see cref="JobsOptions.Enabled"/>.
    /// </summary>
    public static IServiceCollection AddTollgateJobs(this IServiceCollection services, TollgateOptions options)
    {
        var instance = new JobInstance(string.IsNullOrWhiteSpace(options.Jobs.InstanceId)
            ? $"{Environment.MachineName}:{Environment.ProcessId}"
            : options.Jobs.InstanceId);
        services.AddSingleton(instance);
        services.AddSingleton<JobRunLog>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<RepricingJobs>();
        services.AddSingleton<CustomPrices>();
        services.AddTransient<RepricingJob>();
        services.AddSingleton<RevenueImportJobs>();
        services.AddTransient<RevenueImportJob>();
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = JobStorageSchema.Name,
            // The migrator installs the schema once, under its lock (see JobStorageSchema).
            PrepareSchemaIfNecessary = false,
            QueuePollInterval = QueuePollInterval,
            InvisibilityTimeout = InvisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
            DistributedLockTimeout = DistributedLockTimeout,
        };
        // The storage is this app's own singleton. Hangfire's configuration API would keep it in a
        // static (JobStorage.Current), so that two apps in one process (tests, an embedding host)
        // would share the last one configured.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(options.ConnectionString, storageOptions), storageOptions));
        // The same for the job activator: Hangfire's own registration returns the static
        // JobActivator.Current, which another app starting at the same moment in the process may
        // have just set to its container. Jobs then ran in that app's services, and failed with
        // "Cannot access a disposed object" once it had stopped.
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogs(sp.GetRequiredService<ILoggerFactory>())));
        if (!options.Jobs.Enabled)
        {
            return services;
        }

        var recurring = RecurringJobs.All(options.Jobs);
        foreach (var job in recurring)
        {
            services.AddTransient(job.JobType);
        }

        services.AddHangfireServer(o =>
        {
            o.ServerName = instance.Name;
            o.WorkerCount = WorkerCount;
            // Recurring fires are due on the clock; the scheduler looks for due ones this often.
            o.SchedulePollingInterval = TimeSpan.FromSeconds(Math.Min(options.Jobs.RollupIntervalSeconds, 15));
        });
        services.AddHostedService(sp => new RecurringJobRegistrar(
            sp.GetRequiredService<IRecurringJobManager>(), recurring, sp.GetRequiredService<ILogger<RecurringJobRegistrar>>()));
        return services;
    }
}
