namespace Tollgate.Analytics.Pricing;

/// <summary>
/// An admin's mapping of model names onto a catalogue model: <paramref name="Pattern"/> is a glob
/// where <c>*</c> matches any run of characters, compared case-insensitively. With a
/// <paramref name="Provider"/> it applies only to spans from that provider; without a
/// <paramref name="TargetProvider"/> the target is looked up under the span's provider.
/// </summary>
public sealed record ModelPattern(string Pattern, string? Provider, string TargetModel, string? TargetProvider);
