using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tollgate.Analytics.Spans;

namespace Tollgate.Analytics.Storage.Configurations;

internal sealed class SpanRecordConfiguration : IEntityTypeConfiguration<SpanRecord>
{
    public void Configure(EntityTypeBuilder<SpanRecord> builder)
    {
        builder.ToTable("spans");
        builder.HasKey(s => new { s.ProjectId, s.TraceId, s.SpanId, s.StartTime });
        builder.Property(s => s.ProvidedCostUsd).HasColumnType("numeric(20,10)");
        builder.Property(s => s.ComputedCostUsd).HasColumnType("numeric(20,10)");
        builder.Property(s => s.AttributesJson).HasColumnName("attributes").HasColumnType("text");
        builder.Property(s => s.AttributionExplicit).HasConversion<short>().HasDefaultValue(Attribution.None);
        // Derived at ingest from the operation; the writer's trace resolution uses it, the table does not.
        builder.Ignore(s => s.IsInference);
        builder.Property(s => s.CacheHit).HasDefaultValue(false);
        builder.Property(s => s.Fallback).HasDefaultValue(false);
        builder.Property(s => s.RetryAttempt).HasDefaultValue(0);
        builder.Property(s => s.IngestedAt).HasDefaultValueSql("now()");
    }
}
