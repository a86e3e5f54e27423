using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Dependencies;

/// <summary>An edge's figures: calls, errors, subtree cost, latency histogram of the child spans, first call.</summary>
public sealed class EdgeStats
{
    public long Calls { get; set; }
    public long Errors { get; set; }
    public decimal CostUsd { get; set; }
    public long[] LatencyBuckets { get; } = new long[LatencyHistogram.BucketCount];
    public DateTime FirstSeen { get; set; } = DateTime.MaxValue;
}

/// <summary>
/// Turns traces into dependency edges: every parent → child span relation whose two spans map
/// to different nodes (a node calling itself is collapsed, not drawn), across services through
/// parent span ids. Per edge: the child spans counted as calls, those with error status as
/// errors, the billing cost of the child spans' subtrees, their durations and the first start.
/// </summary>
public sealed class EdgeAccumulator
{
    public Dictionary<(string Source, string Target), EdgeStats> Edges { get; } = [];

    /// <param name="spans">One trace's spans.</param>
    /// <param name="countChild">Which child spans to count (the rollup counts those starting in its hour); all when null.</param>
    public void AddTrace(IReadOnlyList<DependencySpan> spans, Func<DependencySpan, bool>? countChild = null)
    {
        var tree = new TraceTree(spans);
        foreach (var child in tree.Spans)
        {
            if (tree.Parent(child) is not { } parent || parent.Node == child.Node || (countChild is not null && !countChild(child)))
            {
                continue;
            }

            var key = (parent.Node, child.Node);
            if (!Edges.TryGetValue(key, out var stats))
            {
                Edges[key] = stats = new EdgeStats();
            }

            stats.Calls++;
            stats.Errors += child.Error ? 1 : 0;
            stats.CostUsd += tree.SubtreeCost(child);
            stats.LatencyBuckets[LatencyHistogram.Bucket(child.DurationMs)]++;
            if (child.Start < stats.FirstSeen)
            {
                stats.FirstSeen = child.Start;
            }
        }
    }
}
