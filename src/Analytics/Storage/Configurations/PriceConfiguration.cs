using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class PriceConfiguration : IEntityTypeConfiguration<Price>
{
    public void Configure(EntityTypeBuilder<Price> builder)
    {
        builder.ToTable("prices");
        builder.HasIndex(p => new { p.Provider, p.Model, p.EffectiveFrom, p.Origin }).IsUnique();
        builder.Property(p => p.InputPerMTok).HasColumnType("numeric(14,6)");
        builder.Property(p => p.OutputPerMTok).HasColumnType("numeric(14,6)");
        builder.Property(p => p.CacheReadPerMTok).HasColumnType("numeric(14,6)");
        builder.Property(p => p.CacheWritePerMTok).HasColumnType("numeric(14,6)");
        builder.Property(p => p.ReasoningPerMTok).HasColumnType("numeric(14,6)");
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
    }
}
