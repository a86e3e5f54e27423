namespace Tollgate.Analytics.Storage.Entities;

public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required byte[] KeyHash { get; set; }
    public required string KeyPrefix { get; set; }
    public required string Role { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
