using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Storage;

public sealed class PartitionMaintenanceTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task Upkeep_creates_the_months_ahead_and_drops_the_months_past_retention()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        var partitions = await MigratedWithMonthsAsync(dataSource, until: new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        var maintenance = new PartitionMaintenance(partitions, new TollgateOptions { RetentionDays = 30 },
            new FixedTime(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)), NullLogger<PartitionMaintenance>.Instance);

        await maintenance.RunOnceAsync(CancellationToken.None);

        // Cut-off 2026-10-21: October ends after it and stays; September ended before it.
        (await partitions.ListAsync()).ShouldBe([new(2026, 10, 1), new(2026, 11, 1), new(2026, 12, 1), new(2027, 1, 1)]);
    }

    /// <summary>The schema migrated, with monthly span partitions from August 2026 to <paramref name="until"/>.</summary>
    private static async Task<SpanPartitions> MigratedWithMonthsAsync(NpgsqlDataSource dataSource, DateTime until)
    {
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var partitions = new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance);
        await partitions.EnsureAsync(new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc), until);
        return partitions;
    }

    /// <summary>Counts the upkeep's warnings: one per failed pass.</summary>
    private sealed class FailureCount : ILogger<PartitionMaintenance>
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    [Fact]
    public async Task A_pass_that_fails_while_the_database_is_away_is_retried_soon_not_at_the_next_interval()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        var partitions = await MigratedWithMonthsAsync(dataSource, until: new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc));
        DateOnly[] upkept = [new(2026, 11, 1), new(2026, 12, 1), new(2027, 1, 1)];
        var failures = new FailureCount();
        var maintenance = new PartitionMaintenance(partitions, new TollgateOptions { RetentionDays = 30 },
            new FixedTime(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)), failures)
        {
            FirstRetry = TimeSpan.FromMilliseconds(200),
        };

        await database.SetConnectionsAllowedAsync(allowed: false);
        NpgsqlConnection.ClearAllPools();
        await maintenance.StartAsync(CancellationToken.None);
        try
        {
            // The first pass cannot connect, and neither can the retry that follows it within a
            // second (not six hours later); once the database is back, a later retry does the work.
            await Eventually.TrueAsync(() => Task.FromResult(failures.Count >= 2), TimeSpan.FromMinutes(1), "A retry of the failed pass");
            await database.SetConnectionsAllowedAsync(allowed: true);
            await Eventually.TrueAsync(async () => (await partitions.ListAsync()).SequenceEqual(upkept), TimeSpan.FromMinutes(1), "The upkeep once the database was back");
            // August, past the 30 days kept, is gone; the month and the two ahead are there.
            (await partitions.ListAsync()).ShouldBe(upkept);
        }
        finally
        {
            await maintenance.StopAsync(CancellationToken.None);
        }
    }
}
