using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage.Configurations;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage;

/// <summary>
/// EF Core's view of the schema in db/. The SQL scripts are the source of truth; this model maps
/// onto them (a test checks that both agree). Column names are the snake_case of property names.
/// </summary>
public sealed class TollgateDbContext(DbContextOptions<TollgateDbContext> options) : DbContext(options)
{
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<IngestKey> IngestKeys => Set<IngestKey>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Feature> Features => Set<Feature>();
    public DbSet<Price> Prices => Set<Price>();
    public DbSet<SpanRecord> Spans => Set<SpanRecord>();
    public DbSet<RevenueEntry> Revenue => Set<RevenueEntry>();
    public DbSet<StoredModelPattern> ModelPatterns => Set<StoredModelPattern>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new ProjectConfiguration());
        modelBuilder.ApplyConfiguration(new IngestKeyConfiguration());
        modelBuilder.ApplyConfiguration(new ApiKeyConfiguration());
        modelBuilder.ApplyConfiguration(new TeamConfiguration());
        modelBuilder.ApplyConfiguration(new FeatureConfiguration());
        modelBuilder.ApplyConfiguration(new PriceConfiguration());
        modelBuilder.ApplyConfiguration(new SpanRecordConfiguration());
        modelBuilder.ApplyConfiguration(new RevenueEntryConfiguration());
        modelBuilder.ApplyConfiguration(new StoredModelPatternConfiguration());
        modelBuilder.ApplyConfiguration(new AuditEntryConfiguration());
        SnakeCaseNames.Apply(modelBuilder);
    }
}

/// <summary>Maps PascalCase property names onto the schema's snake_case column names, unless a configuration named the column.</summary>
public static class SnakeCaseNames
{
    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (property.FindAnnotation(RelationalAnnotationNames.ColumnName) is null)
                {
                    property.SetColumnName(ToSnakeCase(property.Name));
                }
            }
        }
    }

    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && !char.IsUpper(name[i - 1]))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
