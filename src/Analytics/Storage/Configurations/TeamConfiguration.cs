using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> builder)
    {
        builder.ToTable("teams");
        builder.HasIndex(t => new { t.ProjectId, t.Name }).IsUnique();
        builder.HasOne<Project>().WithMany().HasForeignKey(t => t.ProjectId);
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
    }
}
