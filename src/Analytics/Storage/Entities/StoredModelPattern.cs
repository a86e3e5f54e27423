namespace Tollgate.Analytics.Storage.Entities;

/// <summary>An admin-defined model-name glob as stored; see <c>Pricing.ModelPattern</c>.</summary>
public sealed class StoredModelPattern
{
    public int Id { get; set; }
    public required string Pattern { get; set; }
    public string? Provider { get; set; }
    public string? TargetProvider { get; set; }
    public required string TargetModel { get; set; }
    public DateTime CreatedAt { get; set; }
}
