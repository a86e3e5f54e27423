namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// Distance-based detector in the spirit of k-nearest-neighbour conformal detection: the context
/// of a point is the window of the last few values ending at it, its nonconformity the mean
/// distance to the nearest contexts of the series' own past. A shape never seen before (a spike
/// inside a daily pattern, a pattern that stops, a flat stretch where the series always moves)
/// is far from all of them even when every value stays inside the forecast's band. The distance
/// is compared with a tracked high quantile of the series' own recent distances, so the score
/// needs no scale of its own. Memory is bounded: a fixed ring of past contexts.
/// </summary>
internal sealed class ContextAnomalyDetector
{
    private readonly ContextSettings _settings;
    private readonly double[] _window;
    private readonly double[] _contexts;
    private readonly long[] _contextEnds;
    private readonly double[] _nearest;
    private readonly List<double> _seedDistances = [];
    private long _count;
    private int _stored;
    private int _next;
    private double _quantile;
    private double _magnitude;

    public ContextAnomalyDetector(ContextSettings settings)
    {
        _settings = settings;
        _window = new double[settings.Length];
        _contexts = new double[settings.References * settings.Length];
        _contextEnds = new long[settings.References];
        _nearest = new double[settings.Neighbours];
    }

    /// <summary>
    /// The novelty of the point's context: its distance to the nearest past contexts over the
    /// usual high distance (1 is usual-high, above is new), or null while there is too little
    /// history to say; then learns the context.
    /// </summary>
    public double? Observe(double value)
    {
        var length = _settings.Length;
        _window[_count % length] = value;
        _count++;
        _magnitude += (Math.Abs(value) - _magnitude) / Math.Min(_count, 1000);
        if (_count < length)
        {
            return null;
        }

        double? novelty = null;
        var distance = NearestDistance();
        if (distance is { } d)
        {
            if (_seedDistances.Count < _settings.SeedDistances)
            {
                _seedDistances.Add(d);
                if (_seedDistances.Count == _settings.SeedDistances)
                {
                    _quantile = _seedDistances.Max();
                }
            }
            else
            {
                // A flat series has distances near zero: rounding noise must not score as news.
                var floor = Math.Max(_settings.MagnitudeFloor * _magnitude * Math.Sqrt(length), 1e-12);
                novelty = d / Math.Max(_quantile, floor);
                _quantile *= Math.Exp(_settings.QuantileGain * ((d > _quantile ? 1 : 0) - (1 - _settings.Quantile)));
            }
        }
        Store();
        return novelty;
    }

    /// <summary>Mean distance to the nearest stored contexts that do not overlap the current one; null until there are enough.</summary>
    private double? NearestDistance()
    {
        var length = _settings.Length;
        var k = _settings.Neighbours;
        var found = 0;
        for (var c = 0; c < _stored; c++)
        {
            if (_count - _contextEnds[c] < length)
            {
                continue;
            }
            var offset = c * length;
            var sum = 0.0;
            var bound = found == k ? _nearest[k - 1] : double.MaxValue;
            for (var i = 0; i < length && sum < bound; i++)
            {
                var delta = _contexts[offset + i] - _window[(_count + i) % length];
                sum += delta * delta;
            }
            if (sum >= bound)
            {
                continue;
            }
            // Insertion into the sorted list of the k nearest squared distances.
            var at = found == k ? k - 1 : found++;
            while (at > 0 && _nearest[at - 1] > sum)
            {
                _nearest[at] = _nearest[at - 1];
                at--;
            }
            _nearest[at] = sum;
        }
        if (found < k)
        {
            return null;
        }
        var total = 0.0;
        for (var i = 0; i < k; i++)
        {
            total += Math.Sqrt(_nearest[i]);
        }
        return total / k;
    }

    private void Store()
    {
        var length = _settings.Length;
        var offset = _next * length;
        // Oldest value first, as the current window is read in NearestDistance.
        for (var i = 0; i < length; i++)
        {
            _contexts[offset + i] = _window[(_count + i) % length];
        }
        _contextEnds[_next] = _count;
        _next = (_next + 1) % _settings.References;
        _stored = Math.Min(_stored + 1, _settings.References);
    }
}

/// <summary>The context detector's configuration (one for every series).</summary>
internal sealed record ContextSettings
{
    public static readonly ContextSettings Default = new();

    /// <summary>Values in one context.</summary>
    public int Length { get; init; } = 8;

    /// <summary>Past contexts kept: the reach of the detector's memory, and its cost per point.</summary>
    public int References { get; init; } = 400;

    public int Neighbours { get; init; } = 3;

    /// <summary>Distances gathered before the first score, to seed the quantile.</summary>
    public int SeedDistances { get; init; } = 50;

    /// <summary>The quantile of recent distances that is "usually high".</summary>
    public double Quantile { get; init; } = 0.99;

    public double QuantileGain { get; init; } = 0.05;

    public double MagnitudeFloor { get; init; } = 0.001;
}
