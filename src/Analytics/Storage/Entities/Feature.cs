namespace Tollgate.Analytics.Storage.Entities;

public sealed class Feature
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}
