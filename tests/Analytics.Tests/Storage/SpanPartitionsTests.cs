using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Storage;

public sealed class SpanPartitionsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private Npgsql.NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Every_month_in_the_range_gets_one_partition()
    {
        var partitions = new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance);

        await partitions.EnsureAsync(Utc(2026, 11, 20), Utc(2027, 2, 3));
        await new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance).EnsureAsync(Utc(2026, 12, 1), Utc(2026, 12, 31));

        (await partitions.ListAsync()).ShouldBe([new(2026, 11, 1), new(2026, 12, 1), new(2027, 1, 1), new(2027, 2, 1)]);
    }

    [Fact]
    public async Task Retention_drops_only_months_that_ended_before_the_cutoff_with_their_spans()
    {
        var partitions = new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance);
        await partitions.EnsureAsync(Utc(2025, 9, 1), Utc(2025, 11, 30));
        await InsertSpanAsync(Utc(2025, 9, 15));
        await InsertSpanAsync(Utc(2025, 10, 15));
        await InsertSpanAsync(Utc(2025, 11, 15));

        var dropped = await partitions.DropBeforeAsync(Utc(2025, 11, 10));

        dropped.ShouldBe(["spans_y2025m09", "spans_y2025m10"]);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(1);
        (await partitions.ListAsync()).ShouldBe([new(2025, 11, 1)]);
    }

    private async Task InsertSpanAsync(DateTime start)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing)
            VALUES (1, decode(md5(random()::text), 'hex'), substring(decode(md5(random()::text), 'hex') from 1 for 8),
                    'x', 1, $1, $1, 0, false)
            """);
        command.Parameters.Add(new() { Value = start });
        await command.ExecuteNonQueryAsync();
    }

    private static DateTime Utc(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);
}
