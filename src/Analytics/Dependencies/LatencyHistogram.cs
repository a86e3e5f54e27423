namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// Span durations counted in fixed logarithmic buckets, so that hourly histograms add up into
/// any longer period and still give percentiles. Bucket 0 holds durations under 1 ms; bucket i
/// (1..95) holds [2^((i−1)/4), 2^(i/4)) ms, four buckets per doubling, up to about 4.7 hours;
/// the last bucket also holds everything longer. A percentile is reported as the geometric
/// middle of its bucket, within 9% of the true value (2^(1/8) − 1).
/// </summary>
public static class LatencyHistogram
{
    public const int BucketCount = 96;
    private const double BucketsPerDoubling = 4;

    public static int Bucket(double milliseconds)
    {
        if (!(milliseconds >= 1))
        {
            return 0;
        }

        var bucket = (int)Math.Floor(Math.Log2(milliseconds) * BucketsPerDoubling) + 1;
        return Math.Min(bucket, BucketCount - 1);
    }

    /// <summary>The q-th quantile (0..1) in milliseconds, or null for an empty histogram.</summary>
    public static double? Percentile(IReadOnlyList<long> counts, double q)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        // The smallest bucket whose cumulative count reaches ceil(q·total): the nearest-rank method.
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return i == 0 ? 0.5 : Math.Round(Math.Pow(2, (i - 0.5) / BucketsPerDoubling), 3);
            }
        }

        return null;
    }
}
