namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// Online anomaly detector for one series (a team's hourly cost, a NAB file). Each point is
/// scored against a forecast built only from the points before it: a robust level plus daily and
/// weekly seasonal offsets learned per phase bucket, with a robust residual scale. Updates are
/// winsorised so that outliers barely move the model, and a run of residuals on one side is taken
/// as a level shift and re-learned at once instead of being flagged for ever. The score also
/// watches a running mean of signed residuals (a drift too small for any single point to leave the
/// band), widens the band for series whose own residuals are heavier-tailed than normal, and damps
/// repeats for a while after a point outside the band so one incident is reported once.
/// </summary>
public sealed class SeasonalAnomalyDetector
{
    /// <summary>Half-width of the normal band in residual standard deviations; a point on the band's edge scores 0.5.</summary>
    public const double BandWidth = 4.0;

    // E|X| of a normal variable is 0.798 sigma: converts a mean absolute residual to a deviation.
    private const double AbsToSigma = 1.2533;

    private static readonly TimeSpan _day = TimeSpan.FromDays(1);
    private static readonly TimeSpan _week = TimeSpan.FromDays(7);

    private readonly DetectorSettings _settings;
    private readonly List<double> _warmupValues = [];
    private readonly List<DateTime> _warmupTimes = [];
    private readonly double[] _recentResiduals;
    private SeasonalProfile? _daily;
    private SeasonalProfile? _weekly;
    private double _level;
    private double _scale;
    private double _magnitude;
    private double _dispersion;
    private double _tail;
    private double _drift;
    private double _driftTail;
    private long _lastOutside = long.MinValue / 2;
    private int _recentCount;
    private long _count;

    public SeasonalAnomalyDetector()
        : this(DetectorSettings.Default)
    {
    }

    internal SeasonalAnomalyDetector(DetectorSettings settings)
    {
        _settings = settings;
        _recentResiduals = new double[settings.ShiftPoints];
        _tail = settings.NormalTail;
        _driftTail = settings.NormalTail;
    }

    public long Count => _count;

    public AnomalyScore Observe(DateTime timestamp, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("Values must be finite numbers.", nameof(value));
        }
        _count++;
        if (_warmupValues.Count < _settings.WarmupPoints)
        {
            return Warmup(timestamp, value);
        }

        var dailyBucket = _daily?.Bucket(timestamp) ?? 0;
        var weeklyBucket = _weekly?.Bucket(timestamp) ?? 0;
        var seasonal = (_daily?.Offset(dailyBucket) ?? 0) + (_weekly?.Offset(weeklyBucket) ?? 0);
        var expected = _level + seasonal;
        var sigma = Sigma();
        var residual = value - expected;
        var z = Math.Abs(residual) / sigma;
        var width = sigma * Math.Max(1, _tail / _settings.NormalTail);
        var adjusted = Math.Abs(residual) / width;
        var detector = AnomalyDetectors.Forecast;
        if (_settings.SustainGain > 0)
        {
            var gain = _settings.SustainGain;
            _drift += gain * (Math.Clamp(residual / sigma, -10, 10) - _drift);
            // Under a steady series the running mean has deviation sqrt(g / (2 - g)).
            var driftZ = Math.Abs(_drift) / Math.Sqrt(gain / (2 - gain));
            var driftAdjusted = driftZ / Math.Max(1, _driftTail / _settings.NormalTail);
            _driftTail *= Math.Exp(_settings.TailGain * ((driftZ > _driftTail ? 1 : 0) - (1 - _settings.TailQuantile)));
            if (_settings.SustainWeight * driftAdjusted > adjusted)
            {
                adjusted = _settings.SustainWeight * driftAdjusted;
                detector = AnomalyDetectors.LevelShift;
            }
        }
        var score = adjusted * adjusted / (adjusted * adjusted + BandWidth * BandWidth);
        var repeat = _count - _lastOutside <= _settings.RepeatPoints;
        if (score >= 0.5)
        {
            _lastOutside = _count;
        }
        if (repeat)
        {
            score *= _settings.RepeatFactor;
        }
        var result = new AnomalyScore(score, expected, expected - BandWidth * width, expected + BandWidth * width, detector);

        _tail *= Math.Exp(_settings.TailGain * ((z > _tail ? 1 : 0) - (1 - _settings.TailQuantile)));
        _dispersion += _settings.DispersionGain * (Math.Abs(residual) - _dispersion);
        Learn(timestamp, value, residual, sigma, dailyBucket, weeklyBucket);
        return result;
    }

    public static AnomalyScore[] ScoreSeries(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values)
    {
        return ScoreSeries(timestamps, values, DetectorSettings.Default);
    }

    internal static AnomalyScore[] ScoreSeries(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values, DetectorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        if (timestamps.Count != values.Count)
        {
            throw new ArgumentException("Timestamps and values must have the same length.", nameof(values));
        }
        var detector = new SeasonalAnomalyDetector(settings);
        var scores = new AnomalyScore[values.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Observe(timestamps[i], values[i]);
        }
        return scores;
    }

    private double Sigma()
    {
        // A floor relative to the series' magnitude keeps a perfectly flat series from turning
        // rounding noise into infinite scores.
        return Math.Max(Math.Max(_scale, _settings.DispersionFloor * _dispersion), Math.Max(_settings.MagnitudeFloor * _magnitude, 1e-9));
    }

    private void Learn(DateTime timestamp, double value, double residual, double sigma, int dailyBucket, int weeklyBucket)
    {
        _magnitude += 0.01 * (Math.Abs(value) - _magnitude);
        if (DetectShift(residual, sigma))
        {
            return;
        }
        var clipped = Math.Clamp(residual, -_settings.ClipWidth * sigma, _settings.ClipWidth * sigma);
        _level += _settings.LevelGain * clipped;
        // A bucket still learning its first cycles takes the whole residual: a daily pattern's
        // sharp edges are not outliers, and clipping them would keep them unlearnt for days.
        var remaining = (1 - _settings.LevelGain) * clipped;
        if (_daily is not null)
        {
            var offset = _daily.Offset(dailyBucket);
            var share = _daily.IsLearning(dailyBucket) ? residual - _settings.LevelGain * clipped : remaining;
            _daily.Learn(timestamp, dailyBucket, offset + share);
            remaining = share - (_daily.Offset(dailyBucket) - offset);
        }
        if (_weekly is not null)
        {
            _weekly.Learn(timestamp, weeklyBucket, _weekly.Offset(weeklyBucket) + remaining);
        }
        var absolute = Math.Min(Math.Abs(residual), _settings.ClipWidth * sigma) * AbsToSigma;
        _scale += _settings.ScaleGain * (absolute - _scale);
    }

    /// <summary>
    /// A run of residuals all beyond the band on the same side is a new level, not a string of
    /// anomalies: move the level by their median and forget the run.
    /// </summary>
    private bool DetectShift(double residual, double sigma)
    {
        if (Math.Abs(residual) < _settings.ShiftWidth * sigma
            || (_recentCount > 0 && Math.Sign(residual) != Math.Sign(_recentResiduals[_recentCount - 1])))
        {
            _recentCount = 0;
            if (Math.Abs(residual) < _settings.ShiftWidth * sigma)
            {
                return false;
            }
        }
        _recentResiduals[_recentCount++] = residual;
        if (_recentCount < _settings.ShiftPoints)
        {
            return false;
        }
        var run = (double[])_recentResiduals.Clone();
        Array.Sort(run);
        _level += (run[_settings.ShiftPoints / 2 - 1] + run[_settings.ShiftPoints / 2]) / 2;
        _recentCount = 0;
        return true;
    }

    private AnomalyScore Warmup(DateTime timestamp, double value)
    {
        _warmupValues.Add(value);
        _warmupTimes.Add(timestamp);
        var median = Median(_warmupValues);
        if (_warmupValues.Count == _settings.WarmupPoints)
        {
            _level = median;
            _magnitude = Math.Abs(median);
            var deviations = _warmupValues.Select(v => Math.Abs(v - median)).ToList();
            _scale = 1.4826 * Median(deviations);
            _dispersion = deviations.Average();
            CreateProfiles();
        }
        return new AnomalyScore(0, median, median, median);
    }

    /// <summary>
    /// Seasonal profiles exist only where they mean something: a daily profile when a day holds
    /// at least four samples, a weekly one when a week holds at least seven buckets.
    /// </summary>
    private void CreateProfiles()
    {
        var deltas = new List<double>(_settings.WarmupPoints);
        for (var i = 1; i < _warmupTimes.Count; i++)
        {
            deltas.Add((_warmupTimes[i] - _warmupTimes[i - 1]).Ticks);
        }
        var interval = TimeSpan.FromTicks((long)Median(deltas));
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        if (interval <= _day / 4)
        {
            var bucket = interval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : RoundToDivisor(interval, _day);
            _daily = new SeasonalProfile(_day, bucket, _settings.DailyGain);
        }
        if (interval <= _day)
        {
            var bucket = interval <= TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : RoundToDivisor(interval, _week);
            _weekly = new SeasonalProfile(_week, bucket, _settings.WeeklyGain);
        }
    }

    // The bucket width nearest to the interval that divides the period exactly.
    private static TimeSpan RoundToDivisor(TimeSpan interval, TimeSpan period)
    {
        var buckets = Math.Max(1, (int)Math.Round(period.Ticks / (double)interval.Ticks));
        return TimeSpan.FromTicks(period.Ticks / buckets);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
