namespace Tollgate.Analytics.Storage.Entities;

public sealed class Project
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public bool ContentCapture { get; set; }
    public DateTime CreatedAt { get; set; }
}
