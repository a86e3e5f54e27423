namespace Tollgate.Analytics.Storage.Entities;

/// <summary>A catalogue price in USD per million tokens, valid from <see cref="EffectiveFrom"/>.</summary>
public sealed class Price
{
    public int Id { get; set; }
    public required string Provider { get; set; }
    public required string Model { get; set; }
    public decimal InputPerMTok { get; set; }
    public decimal OutputPerMTok { get; set; }
    public decimal? CacheReadPerMTok { get; set; }
    public decimal? CacheWritePerMTok { get; set; }
    public decimal? ReasoningPerMTok { get; set; }
    public required string Tier { get; set; }
    public DateTime EffectiveFrom { get; set; }
    public DateOnly? CheckedOn { get; set; }
    public string? Source { get; set; }
    public required string Origin { get; set; }
    public DateTime CreatedAt { get; set; }
}
