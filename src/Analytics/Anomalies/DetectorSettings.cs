namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// The detector's one configuration, used for every series. It is a type of its own so the
/// benchmark can explore alternatives; the product always runs <see cref="Default"/>. The values
/// are those <c>bench/nab.sh --cv-grid</c> selects: among the configurations of its grid that meet
/// the product's requirements on synthetic series (a small lasting step is flagged within two
/// days, one outlier neither drags the forecast nor alerts twice), the best NAB score; the
/// settings the grid does not search keep values set by hand.
/// </summary>
internal sealed record DetectorSettings
{
    public static readonly DetectorSettings Default = new();

    /// <summary>Points used to infer the sampling interval and to seed level and scale robustly.</summary>
    public int WarmupPoints { get; init; } = 12;

    /// <summary>Gain of the exponentially weighted level: about fifteen points of memory.</summary>
    public double LevelGain { get; init; } = 0.07;

    /// <summary>Gain of the residual scale: about forty points of memory, so one burst does not widen the band for long.</summary>
    public double ScaleGain { get; init; } = 0.025;

    /// <summary>Residuals beyond this many deviations are clipped before they update the model (Huber).</summary>
    public double ClipWidth { get; init; } = 2.5;

    /// <summary>This many consecutive residuals beyond <see cref="ShiftWidth"/> on one side mean the level moved.</summary>
    public int ShiftPoints { get; init; } = 24;

    public double ShiftWidth { get; init; } = 3.0;

    /// <summary>
    /// Gains of the seasonal offsets once a bucket has been seen in a few cycles. The weekly one is
    /// smaller: weekly habits change slowly and a week gives few observations per bucket.
    /// </summary>
    public double DailyGain { get; init; } = 0.15;

    public double WeeklyGain { get; init; } = 0.1;

    /// <summary>
    /// The scale never drops below this share of the series' mean absolute residual, so a
    /// mostly-constant series (zeros with occasional bursts) does not give huge scores.
    /// </summary>
    public double DispersionFloor { get; init; } = 0.5;

    public double DispersionGain { get; init; } = 0.01;

    /// <summary>Nor below this share of the series' typical magnitude: rounding is not news.</summary>
    public double MagnitudeFloor { get; init; } = 0.001;

    /// <summary>
    /// The detector tracks this quantile of the series' own standardised residuals; a series whose
    /// residuals are heavier-tailed than normal (<see cref="NormalTail"/> at that quantile) gets a
    /// proportionally wider band.
    /// </summary>
    public double TailQuantile { get; init; } = 0.999;

    public double NormalTail { get; init; } = 3.2905;

    public double TailGain { get; init; } = 0.1;

    /// <summary>
    /// An incident is reported once: for this many points after a point outside the band, scores
    /// are multiplied by <see cref="RepeatFactor"/>, so a continuing excursion does not alert at every point.
    /// </summary>
    public int RepeatPoints { get; init; } = 100;

    public double RepeatFactor { get; init; } = 0.7;

    /// <summary>
    /// Gain of the running mean of signed standardised residuals: a drift too small to leave the
    /// band at any single point still shows as a run of residuals on one side. 0 turns it off.
    /// </summary>
    public double SustainGain { get; init; } = 0.1;

    /// <summary>How the drift statistic compares with the point statistic before taking the larger.</summary>
    public double SustainWeight { get; init; } = 1.2;
}
