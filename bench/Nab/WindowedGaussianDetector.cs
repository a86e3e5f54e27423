using MathNet.Numerics.Distributions;

namespace Tollgate.Nab;

/// <summary>
/// NAB's windowed Gaussian baseline: a point scores one minus the one-sided tail probability of
/// its value under a normal fitted to a window of up to 6,400 earlier points, refitted every
/// 100 points once the window is full.
/// </summary>
public sealed class WindowedGaussianDetector
{
    private const int WindowSize = 6400;
    private const int StepSize = 100;

    private readonly List<double> _window = new(WindowSize);
    private readonly List<double> _step = new(StepSize);
    private double _mean;
    private double _deviation = 1;

    public double Observe(double value)
    {
        var score = _window.Count > 0 ? 1 - TailProbability(value) : 0.0;
        if (_window.Count < WindowSize)
        {
            _window.Add(value);
            Refit();
        }
        else
        {
            _step.Add(value);
            if (_step.Count == StepSize)
            {
                _window.RemoveRange(0, StepSize);
                _window.AddRange(_step);
                _step.Clear();
                Refit();
            }
        }
        return score;
    }

    public static double[] ScoreSeries(double[] values)
    {
        var detector = new WindowedGaussianDetector();
        return values.Select(detector.Observe).ToArray();
    }

    private double TailProbability(double value)
    {
        var distance = Math.Abs(value - _mean) / _deviation;
        return 1 - Normal.CDF(0, 1, distance);
    }

    private void Refit()
    {
        var mean = 0.0;
        foreach (var v in _window)
        {
            mean += v;
        }
        mean /= _window.Count;
        var squares = 0.0;
        foreach (var v in _window)
        {
            squares += (v - mean) * (v - mean);
        }
        _mean = mean;
        _deviation = Math.Sqrt(squares / _window.Count);
        if (_deviation == 0)
        {
            _deviation = 0.000001;
        }
    }
}
