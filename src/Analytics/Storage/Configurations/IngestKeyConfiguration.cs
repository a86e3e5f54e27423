using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class IngestKeyConfiguration : IEntityTypeConfiguration<IngestKey>
{
    public void Configure(EntityTypeBuilder<IngestKey> builder)
    {
        builder.ToTable("ingest_keys");
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasOne<Project>().WithMany().HasForeignKey(k => k.ProjectId);
        builder.Property(k => k.CreatedAt).HasDefaultValueSql("now()");
    }
}
