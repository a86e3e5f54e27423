using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Storage;

public sealed class SchemaMigratorTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Applying_the_schema_twice_changes_nothing()
    {
        await using var dataSource = _database.CreateDataSource();
        var migrator = new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance);

        var first = await migrator.MigrateAsync();
        var schemaAfterFirst = await DescribeSchemaAsync(dataSource);
        var second = await migrator.MigrateAsync();

        first.ShouldBe(SchemaMigrator.Scripts.Count);
        second.ShouldBe(0);
        (await DescribeSchemaAsync(dataSource)).ShouldBe(schemaAfterFirst);
        (await migrator.CurrentVersionAsync()).ShouldBe(SchemaMigrator.LatestVersion);
    }

    [Fact]
    public async Task Instances_starting_together_apply_each_script_once()
    {
        var dataSources = Enumerable.Range(0, 4).Select(_ => _database.CreateDataSource()).ToList();
        try
        {
            var applied = await Task.WhenAll(dataSources.Select(ds =>
                Task.Run(() => new SchemaMigrator(ds, NullLogger<SchemaMigrator>.Instance).MigrateAsync())));

            applied.Sum().ShouldBe(SchemaMigrator.Scripts.Count);
            (await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations")).ShouldBe(SchemaMigrator.Scripts.Count);
            (await _database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'spans'")).ShouldBe(1);
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_script_edited_after_it_was_applied_stops_the_migration_with_its_name()
    {
        await using var dataSource = _database.CreateDataSource();
        var migrator = new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance);
        await migrator.MigrateAsync();
        await _database.ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => migrator.MigrateAsync());

        error.Message.ShouldContain(SchemaMigrator.Scripts[0].Name);
    }

    [Fact]
    public async Task A_script_that_waits_longer_than_the_command_timeout_is_waited_for()
    {
        await using (var setup = _database.CreateDataSource())
        {
            await new SchemaMigrator(setup, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }

        // The script dropping the trace-id index again, while another session holds the span table
        // for three seconds: its DROP INDEX waits for it, past a command timeout of one second.
        var last = SchemaMigrator.Scripts.Single(s => s.Sql.Contains("DROP INDEX IF EXISTS spans_trace_id", StringComparison.Ordinal));
        await _database.ExecuteAsync($"CREATE INDEX spans_trace_id ON spans (trace_id); DELETE FROM schema_migrations WHERE version = {last.Version}");
        await using var impatient = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { CommandTimeout = 1 }.ConnectionString);
        await using var holder = new NpgsqlConnection(_database.ConnectionString);
        await holder.OpenAsync();
        await using (var hold = new NpgsqlCommand("BEGIN; LOCK TABLE spans IN ACCESS SHARE MODE", holder))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var migration = new SchemaMigrator(impatient, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        // The script is under way (waiting for the table) before the holder lets go.
        await WaitForAsync(() => _database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%spans_trace_id%'"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using (var release = new NpgsqlCommand("COMMIT", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        (await migration).ShouldBe(1);
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM schema_migrations WHERE version = {last.Version}")).ShouldBe(1);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'spans_trace_id'")).ShouldBe(0);
    }

    private static async Task WaitForAsync(Func<Task<long>> count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await count() == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the migration never waited for the span table");
            await Task.Delay(50);
        }
    }

    [Fact]
    public void Scripts_are_numbered_in_order_from_one() =>
        SchemaMigrator.Scripts.Select(s => s.Version).ShouldBe(Enumerable.Range(1, SchemaMigrator.Scripts.Count));

    private static async Task<string> DescribeSchemaAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name)
            FROM information_schema.columns WHERE table_schema = 'public'
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
