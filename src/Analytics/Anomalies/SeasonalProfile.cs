namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// One seasonal component (daily or weekly): a learned offset per phase bucket, averaged over
/// the first visits and then updated with a small gain so that it follows slow changes.
/// </summary>
internal sealed class SeasonalProfile
{
    private readonly double[] _offsets;
    private readonly int[] _visits;
    private readonly int[] _cycles;
    private readonly long[] _lastCycle;
    private readonly long _bucketTicks;
    private readonly double _gain;
    private readonly long _periodTicks;

    public SeasonalProfile(TimeSpan period, TimeSpan bucket, double gain)
    {
        _bucketTicks = bucket.Ticks;
        Buckets = (int)(period.Ticks / bucket.Ticks);
        _offsets = new double[Buckets];
        _visits = new int[Buckets];
        _cycles = new int[Buckets];
        _lastCycle = new long[Buckets];
        _periodTicks = period.Ticks;
        _gain = gain;
    }

    public int Buckets { get; }

    /// <summary>While a bucket has been seen in fewer cycles than this, it learns from unclipped residuals.</summary>
    public const int LearningCycles = 3;

    public bool IsLearning(int bucket) => _cycles[bucket] < LearningCycles;

    public int Bucket(DateTime timestamp) => (int)(timestamp.Ticks / _bucketTicks % Buckets);

    /// <summary>
    /// The offset to use, halved while the bucket has been seen in one cycle only: one day (or
    /// week) is a single observation, not yet a pattern; two agreeing cycles are.
    /// </summary>
    public double Offset(int bucket)
    {
        var cycles = _cycles[bucket];
        return cycles switch
        {
            0 => 0,
            1 => _offsets[bucket] / 2,
            _ => _offsets[bucket],
        };
    }

    public void Learn(DateTime timestamp, int bucket, double deviation)
    {
        var cycle = timestamp.Ticks / _periodTicks + 1;
        if (_lastCycle[bucket] != cycle)
        {
            _lastCycle[bucket] = cycle;
            _cycles[bucket]++;
        }
        var visits = ++_visits[bucket];
        var gain = Math.Max(1.0 / visits, _gain);
        _offsets[bucket] += gain * (deviation - _offsets[bucket]);
    }
}
