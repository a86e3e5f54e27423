using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class RepricingRunConfiguration : IEntityTypeConfiguration<RepricingRun>
{
    public void Configure(EntityTypeBuilder<RepricingRun> builder)
    {
        builder.ToTable("repricing_runs");
        builder.Property(r => r.SpansTotal).HasDefaultValue(0L);
        builder.Property(r => r.SpansDone).HasDefaultValue(0L);
        builder.Property(r => r.StartedAt).HasDefaultValueSql("now()");
    }
}
