namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// A flagged hour of one cost series, with the figures that explain it. <see cref="Kind"/> says
/// what moved: the series' cost (<see cref="AnomalyKinds.Cost"/>), or the share of spend it takes
/// while the total may look normal (<see cref="AnomalyKinds.Mix"/>); <see cref="Detector"/> names
/// the detector that flagged it and <see cref="Explanation"/> says why in words.
/// </summary>
public sealed record CostAnomaly(
    int ProjectId, string Dimension, string Key, DateTime Hour,
    double ActualUsd, double ExpectedUsd, double LowerUsd, double UpperUsd, double Score,
    IReadOnlyList<Contributor>? Contributors,
    string Kind = AnomalyKinds.Cost, string Detector = AnomalyDetectors.Forecast, string? Explanation = null);

/// <summary>What an anomaly is about, as the anomalies table and the API name it.</summary>
public static class AnomalyKinds
{
    /// <summary>A series' hourly cost left what its history predicts.</summary>
    public const string Cost = "cost";

    /// <summary>The composition of a project's spend moved: one key's share of a breakdown.</summary>
    public const string Mix = "mix";
}
