namespace Tollgate.Analytics.Storage.Entities;

/// <summary>One change someone made; <see cref="Before"/> and <see cref="After"/> are JSON.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
