namespace Tollgate.Analytics.Anomalies;

/// <summary>A flagged hour of one cost series, with the figures that explain it.</summary>
public sealed record CostAnomaly(
    int ProjectId, string Dimension, string Key, DateTime Hour,
    double ActualUsd, double ExpectedUsd, double LowerUsd, double UpperUsd, double Score,
    IReadOnlyList<Contributor>? Contributors);
