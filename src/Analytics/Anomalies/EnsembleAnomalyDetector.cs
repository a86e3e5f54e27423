namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// The anomaly detector every series runs: complementary online detectors fed the same points
/// in one pass. The seasonal forecaster (with its level-shift test) gives the expected value, the
/// band and the deviation from it; the context detector measures how new the recent shape is
/// against the series' past, and the pattern detector (ML.NET PCA) how badly the shapes the
/// series is made of reconstruct it. Novelty scales the forecaster's deviation up and
/// familiarity scales it down: a burst the series has made many times before is less news than
/// one it never made. A flagged point names the detector that decided it: the forecaster when
/// its deviation alone leaves the band, else the novelty detector that pushed it out.
/// </summary>
public sealed class EnsembleAnomalyDetector
{
    private readonly EnsembleSettings _settings;
    private readonly SeasonalAnomalyDetector _forecast;
    private readonly ContextAnomalyDetector? _context;
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
        _context = settings.Context is null ? null : new ContextAnomalyDetector(settings.Context);
        _pattern = settings.Pattern is null ? null : new PatternAnomalyDetector(settings.Pattern);
    }

    /// <summary>How many times ML.NET fitted this series' pattern model.</summary>
    public int PatternFits => _pattern?.Fits ?? 0;

    public AnomalyScore Observe(DateTime timestamp, double value)
    {
        var score = _forecast.Observe(timestamp, value);
        var contextFactor = Factor(_context?.Observe(value), _settings.ContextExponent);
        var patternFactor = Factor(_pattern?.Observe(value), _settings.PatternExponent);
        // The score is z² / (z² + B²) of the deviation z in band units: back to z, scale, and forward.
        var band = SeasonalAnomalyDetector.BandWidth;
        var deviation = band * Math.Sqrt(score.Score / Math.Max(1 - score.Score, 1e-12)) * contextFactor * patternFactor;
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
        var detector = score.Score >= CostAnomalyFinder.FlagScore ? score.Detector
            : contextFactor >= patternFactor ? AnomalyDetectors.Context
            : AnomalyDetectors.Pattern;
        return score with { Score = combined, Detector = detector };
    }

    private double Factor(double? novelty, double exponent) =>
        novelty is { } n && exponent > 0 ? Math.Clamp(Math.Pow(Math.Max(n, 1e-9), exponent), _settings.MinFactor, _settings.MaxFactor) : 1;

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

/// <summary>The ensemble's one configuration, used for every series; null turns a detector off.</summary>
internal sealed record EnsembleSettings
{
    public static readonly EnsembleSettings Default = new();

    public DetectorSettings Forecast { get; init; } = DetectorSettings.Default;

    public ContextSettings? Context { get; init; } = ContextSettings.Default;

    public PatternSettings? Pattern { get; init; } = PatternSettings.Default;

    /// <summary>
    /// How strongly novelty scales the forecaster's deviation: the factor is novelty to this
    /// power (1 is "usually high", so a usual shape changes little), within [<see cref="MinFactor"/>, <see cref="MaxFactor"/>].
    /// </summary>
    public double ContextExponent { get; init; } = 0.5;

    public double PatternExponent { get; init; } = 0.5;

    public double MinFactor { get; init; } = 0.5;

    public double MaxFactor { get; init; } = 2.0;
}
