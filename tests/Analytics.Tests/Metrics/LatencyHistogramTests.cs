using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Tests.Metrics;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Merged_histograms_give_the_percentiles_of_all_their_values()
    {
        var morning = new long[LatencyHistogram.BucketCount];
        var evening = new long[LatencyHistogram.BucketCount];
        for (var i = 0; i < 90; i++)
        {
            LatencyHistogram.Add(morning, 100);
        }

        for (var i = 0; i < 10; i++)
        {
            LatencyHistogram.Add(evening, 4000);
        }

        LatencyHistogram.Merge(morning, evening);

        // 100 ms: 4·log2(100) = 26.6 → bucket 27, upper bound 2^(27/4) = 107.6 → 108.
        LatencyHistogram.Percentile(morning, 0.5).ShouldBe(108);
        // Rank 95 of 100 falls among the ten 4000 ms values: 4·log2(4000) = 47.9 → bucket 48, 2^12 = 4096.
        LatencyHistogram.Percentile(morning, 0.95).ShouldBe(4096);
        LatencyHistogram.Percentile(new long[LatencyHistogram.BucketCount], 0.5).ShouldBeNull();
    }

    [Fact]
    public void Sub_millisecond_and_very_long_calls_fall_in_the_end_buckets()
    {
        LatencyHistogram.Bucket(0).ShouldBe(0);
        LatencyHistogram.Bucket(1).ShouldBe(1);
        LatencyHistogram.Bucket(long.MaxValue / 2).ShouldBe(LatencyHistogram.BucketCount - 1);
    }
}
