using Microsoft.Extensions.Logging.Abstractions;
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
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var partitions = new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance);
        await partitions.EnsureAsync(new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        var maintenance = new PartitionMaintenance(partitions, new TollgateOptions { RetentionDays = 30 },
            new FixedTime(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)), NullLogger<PartitionMaintenance>.Instance);

        await maintenance.RunOnceAsync(CancellationToken.None);

        // Cut-off 2026-10-21: October ends after it and stays; September ended before it.
        (await partitions.ListAsync()).ShouldBe([new(2026, 10, 1), new(2026, 11, 1), new(2026, 12, 1), new(2027, 1, 1)]);
    }
}
