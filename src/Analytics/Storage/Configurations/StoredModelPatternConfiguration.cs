using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class StoredModelPatternConfiguration : IEntityTypeConfiguration<StoredModelPattern>
{
    public void Configure(EntityTypeBuilder<StoredModelPattern> builder)
    {
        builder.ToTable("model_patterns");
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
    }
}
