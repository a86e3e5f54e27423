using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// Detector of unusual shapes with ML.NET's randomized PCA: the sliding windows of the series'
/// recent history are fitted with a few principal components (the shapes the series is made of:
/// its level, its slopes, its daily rise and fall), refitted periodically as history grows; a
/// window that the components cannot reconstruct is a shape the series does not make. The error
/// is compared with a high quantile of the errors on the windows the model was fitted on. ML.NET
/// does the fitting; scoring a window is a projection on the fitted components, done here so
/// that a point costs a few hundred multiplications rather than a prediction engine call.
/// </summary>
internal sealed class PatternAnomalyDetector
{
    private readonly PatternSettings _settings;
    private readonly double[] _history;
    private long _count;
    private long _lastFit = long.MinValue / 2;
    private float[]? _mean;
    private float[][]? _components;
    private double _errorQuantile;

    public PatternAnomalyDetector(PatternSettings settings)
    {
        _settings = settings;
        _history = new double[settings.TrainPoints];
    }

    /// <summary>How many times ML.NET fitted a model for this series.</summary>
    public int Fits { get; private set; }

    /// <summary>
    /// How badly the fitted components reconstruct the window ending at this point, over the usual
    /// high error (1 is usual-high, above is a shape the series does not make), or null before
    /// the first fit. The window ends with <paramref name="value"/>; the history keeps
    /// <paramref name="remembered"/> in its place, for the windows that follow and for the fits:
    /// the ensemble passes the value clipped to the forecaster's band, so that one outlier is
    /// judged once, not again in every window that still holds it.
    /// </summary>
    public double? Observe(double value, double remembered)
    {
        var slot = _count % _history.Length;
        _history[slot] = value;
        _count++;
        double? novelty = _components is null ? null : Error(_count) / _errorQuantile;
        _history[slot] = remembered;
        if (_count >= _settings.MinPoints && _count - _lastFit >= _settings.RefitPoints)
        {
            Fit();
        }
        return novelty;
    }

    /// <summary>Reconstruction error of the window whose last point is point number <paramref name="end"/> (1-based).</summary>
    private double Error(long end)
    {
        var length = _settings.Length;
        Span<double> centred = stackalloc double[length];
        var squares = 0.0;
        for (var i = 0; i < length; i++)
        {
            centred[i] = At(end - length + i) - _mean![i];
            squares += centred[i] * centred[i];
        }
        foreach (var component in _components!)
        {
            var projection = 0.0;
            for (var i = 0; i < length; i++)
            {
                projection += component[i] * centred[i];
            }
            squares -= projection * projection;
        }
        return Math.Sqrt(Math.Max(squares, 0));
    }

    private double At(long index) => _history[index % _history.Length];

    private void Fit()
    {
        _lastFit = _count;
        var length = _settings.Length;
        var first = Math.Max(0, _count - _history.Length);
        var windows = new List<Window>();
        for (var end = first + length; end <= _count; end++)
        {
            var features = new float[length];
            for (var i = 0; i < length; i++)
            {
                features[i] = (float)At(end - length + i);
            }
            windows.Add(new Window { Features = features });
        }
        // A series that does not vary has no principal shapes (the fit would return NaN
        // components): there is nothing to learn yet, and the forecaster covers it.
        var (low, high) = (windows.Min(w => w.Features.Min()), windows.Max(w => w.Features.Max()));
        if (high - low <= 1e-6 * Math.Max(Math.Abs(high), Math.Abs(low)))
        {
            return;
        }
        var context = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Window));
        schema[nameof(Window.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        var data = context.Data.LoadFromEnumerable(windows, schema);
        PcaModelParameters model;
        try
        {
            model = context.AnomalyDetection.Trainers
                .RandomizedPca(nameof(Window.Features), rank: _settings.Rank, oversampling: 10, ensureZeroMean: true, seed: 1)
                .Fit(data).Model;
        }
        catch (ArgumentOutOfRangeException)
        {
            // ML.NET refuses windows whose variation is too small or too degenerate for the rank
            // ("eigenvectors contained NaN"), which the check above cannot always foresee. Keep
            // the model there is (or none) until the next refit: the forecaster still judges every point.
            return;
        }

        Fits++;
        VBuffer<float> mean = default;
        model.GetMean(ref mean);
        VBuffer<float>[] vectors = [];
        model.GetEigenVectors(ref vectors, out var rank);
        _mean = mean.DenseValues().ToArray();
        _components = vectors.Take(rank).Select(v => v.DenseValues().ToArray()).ToArray();

        // The usual high error, on the windows just fitted; a floor keeps an exactly
        // reconstructible series (a pure line or square wave) from dividing by zero.
        var errors = new double[windows.Count];
        for (var w = 0; w < windows.Count; w++)
        {
            errors[w] = Error(first + length + w);
        }
        Array.Sort(errors);
        var magnitude = _mean.Average(m => Math.Abs(m));
        _errorQuantile = Math.Max(errors[(int)(_settings.Quantile * (errors.Length - 1))], Math.Max(_settings.MagnitudeFloor * magnitude, 1e-12));
    }

    private sealed class Window
    {
        public float[] Features { get; set; } = [];
    }
}

/// <summary>The pattern detector's configuration (one for every series).</summary>
internal sealed record PatternSettings
{
    public static readonly PatternSettings Default = new();

    /// <summary>Values in one window.</summary>
    public int Length { get; init; } = 16;

    /// <summary>Principal components kept: the shapes considered normal.</summary>
    public int Rank { get; init; } = 2;

    /// <summary>Points of history a fit sees (the newest ones).</summary>
    public int TrainPoints { get; init; } = 2000;

    /// <summary>Points before the first fit.</summary>
    public int MinPoints { get; init; } = 400;

    /// <summary>Points between fits: a fit costs milliseconds, so it is not redone at every point.</summary>
    public int RefitPoints { get; init; } = 500;

    /// <summary>The quantile of the fitted windows' errors that is "usually high".</summary>
    public double Quantile { get; init; } = 0.99;

    /// <summary>The usual high error never drops below this share of the series' magnitude: rounding is not a new shape.</summary>
    public double MagnitudeFloor { get; init; } = 0.001;
}
