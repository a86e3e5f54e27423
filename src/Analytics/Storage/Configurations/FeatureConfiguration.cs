using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class FeatureConfiguration : IEntityTypeConfiguration<Feature>
{
    public void Configure(EntityTypeBuilder<Feature> builder)
    {
        builder.ToTable("features");
        builder.HasIndex(f => new { f.ProjectId, f.Name }).IsUnique();
        builder.HasOne<Project>().WithMany().HasForeignKey(f => f.ProjectId);
        builder.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
    }
}
