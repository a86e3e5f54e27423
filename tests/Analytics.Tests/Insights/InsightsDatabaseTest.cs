using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Insights;

/// <summary>A migrated test database with a span writer and one project ("default", id 1).</summary>
public abstract class InsightsDatabaseTest : IAsyncLifetime
{
    protected const int Project = 1;

    protected TestDatabase Database { get; private set; } = null!;
    protected NpgsqlDataSource DataSource { get; private set; } = null!;
    protected SpanWriter Writer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        DataSource = Database.CreateDataSource();
        await new SchemaMigrator(DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await Database.ExecuteAsync("INSERT INTO projects (id, name) VALUES (1, 'default')");
        Writer = new SpanWriter(DataSource, new SpanPartitions(DataSource, NullLogger<SpanPartitions>.Instance), NullLogger<SpanWriter>.Instance);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}
