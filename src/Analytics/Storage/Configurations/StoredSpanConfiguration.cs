using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class StoredSpanConfiguration : IEntityTypeConfiguration<StoredSpan>
{
    public void Configure(EntityTypeBuilder<StoredSpan> builder)
    {
        builder.ToTable("spans");
        builder.HasKey(s => new { s.ProjectId, s.TraceId, s.SpanId, s.StartTime });
        builder.Property(s => s.ProvidedCostUsd).HasColumnType("numeric(20,10)");
        builder.Property(s => s.ComputedCostUsd).HasColumnType("numeric(20,10)");
        builder.Property(s => s.Attributes).HasColumnType("jsonb");
        builder.Property(s => s.AttributionExplicit).HasDefaultValue((short)0);
        builder.Property(s => s.CacheHit).HasDefaultValue(false);
        builder.Property(s => s.Fallback).HasDefaultValue(false);
        builder.Property(s => s.RetryAttempt).HasDefaultValue(0);
        builder.Property(s => s.IngestedAt).HasDefaultValueSql("now()");
    }
}
