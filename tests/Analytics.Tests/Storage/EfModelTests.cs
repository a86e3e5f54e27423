using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;

namespace Tollgate.Analytics.Tests.Storage;

public sealed class EfModelTests
{
    [Fact]
    public async Task The_EF_model_matches_the_SQL_schema_column_for_column()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var options = new DbContextOptionsBuilder<TollgateDbContext>().UseNpgsql(dataSource).Options;
        await using var context = new TollgateDbContext(options);

        var differences = await SchemaComparison.DifferencesAsync(context, database.ConnectionString);

        differences.ShouldBeEmpty();
        context.Model.GetEntityTypes().Count().ShouldBe(10);
    }

    [Fact]
    public async Task Entities_round_trip_through_the_real_tables()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var options = new DbContextOptionsBuilder<TollgateDbContext>().UseNpgsql(dataSource).Options;

        await using (var context = new TollgateDbContext(options))
        {
            context.Prices.Add(new() { Provider = "openai", Model = "gpt-4o", InputPerMTok = 2.5m, OutputPerMTok = 10m, CacheReadPerMTok = 1.25m, Tier = "frontier", EffectiveFrom = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Origin = "custom" });
            await context.SaveChangesAsync();
        }

        await using (var context = new TollgateDbContext(options))
        {
            var price = await context.Prices.SingleAsync();
            price.CacheReadPerMTok.ShouldBe(1.25m);
            price.CacheWritePerMTok.ShouldBeNull();
            price.CreatedAt.ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-5));
        }
    }
}
