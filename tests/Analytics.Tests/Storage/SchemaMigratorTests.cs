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
