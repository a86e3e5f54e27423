namespace Tollgate.Analytics.Storage.Entities;

public sealed class IngestKey
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public required string Name { get; set; }
    public required byte[] KeyHash { get; set; }
    public required string KeyPrefix { get; set; }
    public int? RateLimitPerSecond { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
