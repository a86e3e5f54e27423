using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Components;

/// <summary>A fresh, migrated database with a span writer and a context for view models.</summary>
internal sealed class SpanDatabase : IAsyncDisposable
{
    private SpanDatabase(TestDatabase database, NpgsqlDataSource dataSource)
    {
        Database = database;
        DataSource = dataSource;
        Writer = new SpanWriter(dataSource, new SpanPartitions(dataSource, NullLogger<SpanPartitions>.Instance), NullLogger<SpanWriter>.Instance);
    }

    public TestDatabase Database { get; }
    public NpgsqlDataSource DataSource { get; }
    public SpanWriter Writer { get; }

    public static async Task<SpanDatabase> CreateAsync()
    {
        var database = await TestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return new SpanDatabase(database, dataSource);
    }

    public TollgateDbContext CreateContext() => new(new DbContextOptionsBuilder<TollgateDbContext>().UseNpgsql(DataSource).Options);

    public static SpanRecord Span(byte trace, byte id, byte? parent, DateTime start, bool inference = false, decimal? computed = null, decimal? provided = null, long? input = null) => new()
    {
        ProjectId = 1,
        TraceId = Enumerable.Repeat(trace, 16).ToArray(),
        SpanId = Enumerable.Repeat(id, 8).ToArray(),
        ParentSpanId = parent is { } p ? Enumerable.Repeat(p, 8).ToArray() : null,
        Name = "span " + id,
        StartTime = start,
        EndTime = start.AddSeconds(1),
        IsInference = inference,
        Operation = inference ? "chat" : null,
        Model = inference ? "gpt-4o" : null,
        InputTokens = input ?? (inference ? 100 : null),
        ComputedCostUsd = computed,
        ProvidedCostUsd = provided,
        CostSource = provided is not null ? "provided" : computed is not null ? "computed" : null,
    };

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
    }
}
