using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class RevenueEntryConfiguration : IEntityTypeConfiguration<RevenueEntry>
{
    public void Configure(EntityTypeBuilder<RevenueEntry> builder)
    {
        builder.ToTable("revenue");
        builder.HasOne<Project>().WithMany().HasForeignKey(r => r.ProjectId);
        builder.Property(r => r.AmountUsd).HasColumnType("numeric(18,6)");
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
    }
}
