namespace Tollgate.Analytics.Storage.Entities;

/// <summary>A re-pricing job over the spans that started in [<see cref="FromTime"/>, <see cref="ToTime"/>).</summary>
public sealed class RepricingRun
{
    public int Id { get; set; }
    public required string RequestedBy { get; set; }
    public DateTime FromTime { get; set; }
    public DateTime ToTime { get; set; }
    public required string Status { get; set; }
    public long SpansTotal { get; set; }
    public long SpansDone { get; set; }
    public string? Error { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
