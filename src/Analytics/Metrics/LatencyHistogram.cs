namespace Tollgate.Analytics.Metrics;

/// <summary>
/// Latency as a fixed log-bucket histogram: percentiles are not additive, but bucket counts are,
/// so hourly histograms merge into daily ones and into any query window. Four buckets per
/// doubling keep a percentile within 19% of the true value. The one layout of every latency
/// histogram stored: span rollups (per model, feature, key) and dependency edges.
/// </summary>
public static class LatencyHistogram
{
    /// <summary>Bucket 0 is under 1 ms; bucket i (1..80) is [2^((i−1)/4), 2^(i/4)) ms; the last is open-ended (over 14 minutes).</summary>
    public const int BucketCount = 81;

    private const int BucketsPerDoubling = 4;

    public static int Bucket(double milliseconds)
    {
        // Not "< 1": NaN lands in bucket 0 too.
        if (!(milliseconds >= 1))
        {
            return 0;
        }

        var index = 1 + (int)Math.Floor(BucketsPerDoubling * Math.Log2(milliseconds));
        return Math.Min(BucketCount - 1, index);
    }

    /// <summary>The upper bound of a bucket in ms (the lower bound for the open-ended last one).</summary>
    public static double UpperBound(int bucket) =>
        Math.Pow(2, (bucket == BucketCount - 1 ? bucket - 1 : bucket) / (double)BucketsPerDoubling);

    public static void Add(long[] histogram, double milliseconds) => histogram[Bucket(milliseconds)]++;

    public static void Merge(long[] into, IReadOnlyList<long> other)
    {
        for (var i = 0; i < Math.Min(into.Length, other.Count); i++)
        {
            into[i] += other[i];
        }
    }

    /// <summary>
    /// The nearest-rank percentile (<paramref name="fraction"/> in 0..1), reported as the upper bound
    /// of its bucket rounded to whole ms; null for an empty histogram.
    /// </summary>
    public static double? Percentile(IReadOnlyList<long> histogram, double fraction)
    {
        long total = 0;
        foreach (var count in histogram)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(fraction * total));
        long seen = 0;
        for (var i = 0; i < histogram.Count; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return Math.Round(UpperBound(i));
            }
        }

        return Math.Round(UpperBound(histogram.Count - 1));
    }
}
