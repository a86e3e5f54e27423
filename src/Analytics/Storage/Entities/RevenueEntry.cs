namespace Tollgate.Analytics.Storage.Entities;

public sealed class RevenueEntry
{
    public long Id { get; set; }
    public int ProjectId { get; set; }
    public required string Feature { get; set; }
    public string? Customer { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public decimal AmountUsd { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}
