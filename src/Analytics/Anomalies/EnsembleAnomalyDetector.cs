namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// The anomaly detector every series runs: complementary online detectors fed the same points
/// in one pass. The seasonal forecaster gives the expected value and the band and flags values
/// outside it; its level-shift test flags residuals that stay on one side; the pattern detector
/// (ML.NET PCA over sliding windows) finds a recent shape the series' principal shapes cannot
/// reconstruct, and tips over the edge an hour the forecaster already finds close to it (alone,
/// an unusual shape is more often noise than news: see <see cref="EnsembleSettings.PatternGate"/>).
/// The pattern detector remembers values clipped to the forecaster's band, so one outlier is not
/// judged again in the windows that follow. Each speaks on the same scale (a deviation of one
/// band is the edge, score 0.5); a point takes the largest and names the detector that gave it.
/// An incident is reported once: after a flagged point, scores are damped for a while, whichever
/// detector flagged.
/// </summary>
public sealed class EnsembleAnomalyDetector
{
    private readonly EnsembleSettings _settings;
    private readonly SeasonalAnomalyDetector _forecast;
    private readonly PatternAnomalyDetector? _pattern;
    private long _count;
    private long _lastFlag = long.MinValue / 2;

    public EnsembleAnomalyDetector()
        : this(EnsembleSettings.Default)
    {
    }

    internal EnsembleAnomalyDetector(EnsembleSettings settings)
    {
        _settings = settings;
        // Repeats are damped here, on the combined score: damping what the forecaster alone
        // would flag drifts out of step with what the ensemble flags.
        _forecast = new SeasonalAnomalyDetector(settings.Forecast with { RepeatFactor = 1 });
        _pattern = settings.Pattern is null ? null : new PatternAnomalyDetector(settings.Pattern);
    }

    /// <summary>How many times ML.NET fitted this series' pattern model.</summary>
    public int PatternFits => _pattern?.Fits ?? 0;

    public AnomalyScore Observe(DateTime timestamp, double value)
    {
        var score = _forecast.Observe(timestamp, value);
        var band = SeasonalAnomalyDetector.BandWidth;
        // The forecaster's score is z² / (z² + B²) of its deviation z: back to z to compare.
        var forecastDeviation = band * Math.Sqrt(score.Score / Math.Max(1 - score.Score, 1e-12));
        // Before the forecaster's warm-up ends its band is a single point: nothing to clip to.
        var remembered = score.Lower < score.Upper ? Math.Clamp(value, score.Lower, score.Upper) : value;
        var patternDeviation = band * (_pattern?.Observe(value, remembered) ?? 0) / _settings.PatternWidth;
        if (forecastDeviation < _settings.PatternGate * band)
        {
            patternDeviation = 0;
        }
        var (deviation, detector) = patternDeviation > forecastDeviation
            ? (patternDeviation, AnomalyDetectors.Pattern)
            : (forecastDeviation, score.Detector);
        var combined = deviation * deviation / (deviation * deviation + band * band);
        _count++;
        var repeat = _count - _lastFlag <= _settings.Forecast.RepeatPoints;
        if (combined >= CostAnomalyFinder.FlagScore)
        {
            _lastFlag = _count;
        }
        if (repeat)
        {
            combined *= _settings.Forecast.RepeatFactor;
        }
        return score with { Score = combined, Detector = detector };
    }

    public static AnomalyScore[] ScoreSeries(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values) =>
        ScoreSeries(timestamps, values, EnsembleSettings.Default);

    internal static AnomalyScore[] ScoreSeries(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values, EnsembleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        if (timestamps.Count != values.Count)
        {
            throw new ArgumentException("Timestamps and values must have the same length.", nameof(values));
        }
        var detector = new EnsembleAnomalyDetector(settings);
        var scores = new AnomalyScore[values.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Observe(timestamps[i], values[i]);
        }
        return scores;
    }
}

/// <summary>The ensemble's one configuration, used for every series; a null detector is off.</summary>
internal sealed record EnsembleSettings
{
    public static readonly EnsembleSettings Default = new();

    public DetectorSettings Forecast { get; init; } = DetectorSettings.Default;

    public PatternSettings? Pattern { get; init; } = PatternSettings.Default;

    /// <summary>
    /// Pattern novelty (reconstruction error over the usual high error) that reaches the band's
    /// edge: a shape must be far beyond the usual to be news on its own.
    /// </summary>
    public double PatternWidth { get; init; } = 2.0;

    /// <summary>
    /// The pattern detector is heard only where the forecaster's own deviation reaches this share
    /// of the band: an unusual shape then tips a value near the edge over it. 0 lets a shape be
    /// flagged on its own, even with every value in the middle of the band.
    /// </summary>
    public double PatternGate { get; init; } = 0.9;
}
