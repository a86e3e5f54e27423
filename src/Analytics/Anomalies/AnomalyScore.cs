namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// The detector's verdict on one point, with the figures that explain it: what the detector
/// expected, the band it considered normal, a score in 0..1 (0.5 is the band's edge), and which
/// of the ensemble's detectors gave the score (see <see cref="AnomalyDetectors"/>).
/// </summary>
public readonly record struct AnomalyScore(double Score, double Expected, double Lower, double Upper, string Detector = AnomalyDetectors.Forecast)
{
    public bool IsOutsideBand(double actual) => actual < Lower || actual > Upper;
}

/// <summary>The names of the detectors that can flag a point, as the API and alerts show them.</summary>
public static class AnomalyDetectors
{
    /// <summary>The value left the band around the seasonal forecast.</summary>
    public const string Forecast = "forecast";

    /// <summary>Residuals stayed on one side for a while: the level moved, though no single point left the band.</summary>
    public const string LevelShift = "level_shift";

    /// <summary>The recent shape of the series is unlike any stretch seen before.</summary>
    public const string Context = "context";

    /// <summary>The recent shape does not fit the principal patterns a PCA model (ML.NET) learnt from the series' history.</summary>
    public const string Pattern = "pattern";

    /// <summary>The composition of spend (shares by team, feature, model, customer) moved while the total may look normal.</summary>
    public const string Mix = "mix";
}
