using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.Property(k => k.CreatedAt).HasDefaultValueSql("now()");
    }
}
