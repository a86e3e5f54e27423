using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("projects");
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
    }
}
