namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// The detector's verdict on one point, with the figures that explain it: what the detector
/// expected, the band it considered normal, and a score in 0..1 (0.5 is the band's edge).
/// </summary>
public readonly record struct AnomalyScore(double Score, double Expected, double Lower, double Upper)
{
    public bool IsOutsideBand(double actual) => actual < Lower || actual > Upper;
}
