namespace Tollgate.Analytics.Spans;

/// <summary>
/// Trace-level rules that need the whole trace, which may arrive over several requests (SDKs
/// export children before their root):
/// <list type="bullet">
/// <item>Attribution: a span's team, feature and customer are its own, else its nearest
/// ancestor's, else the trace's (the value set nearest the root anywhere in the trace).</item>
/// <item>Billing: an inference span bills, unless it has usage and so does an inference span
/// below it (an instrumentation library's span around the provider SDK's own span of the same
/// call: the innermost bills); another span with usage bills only when none of its descendants
/// has usage (so an agent span repeating its children's usage is shown but never added again).
/// Of the billing spans that report the same gen_ai.response.id, one bills: the deepest (the
/// innermost report of the call), then the earliest.</item>
/// </list>
/// Pure: the writer feeds it stored and new spans of the same trace and stores what changed.
/// </summary>
public static class TraceResolver
{
    public static void Resolve(IReadOnlyList<TraceNode> trace)
    {
        var byId = new Dictionary<SpanKey, TraceNode>(trace.Count);
        foreach (var node in trace)
        {
            byId.TryAdd(new SpanKey(node.SpanId), node);
        }

        var traceTeam = TraceLevel(trace, byId, Attribution.Team, n => n.OwnTeam);
        var traceFeature = TraceLevel(trace, byId, Attribution.Feature, n => n.OwnFeature);
        var traceCustomer = TraceLevel(trace, byId, Attribution.Customer, n => n.OwnCustomer);
        var hasUsageBelow = AncestorsOf(trace.Where(n => n.HasUsage), byId);
        var hasInferenceUsageBelow = AncestorsOf(trace.Where(n => n.HasUsage && n.IsInference), byId);

        foreach (var node in trace)
        {
            node.Team = Inherit(node, byId, Attribution.Team, n => n.OwnTeam) ?? traceTeam;
            node.Feature = Inherit(node, byId, Attribution.Feature, n => n.OwnFeature) ?? traceFeature;
            node.Customer = Inherit(node, byId, Attribution.Customer, n => n.OwnCustomer) ?? traceCustomer;
            var key = new SpanKey(node.SpanId);
            node.Billing = node.IsInference
                ? !(node.HasUsage && hasInferenceUsageBelow.Contains(key))
                : node.HasUsage && !hasUsageBelow.Contains(key);
        }

        foreach (var sameResponse in trace.Where(n => n.Billing && n.ResponseId is not null).GroupBy(n => n.ResponseId, StringComparer.Ordinal))
        {
            var kept = sameResponse
                .OrderByDescending(n => Depth(n, byId))
                .ThenBy(n => n.StartTime)
                .ThenBy(n => n.SpanId, SpanIdOrder.Instance)
                .First();
            foreach (var node in sameResponse.Where(n => n != kept))
            {
                node.Billing = false;
            }
        }
    }

    /// <summary>Orders span ids by their bytes, so that the span kept is the same whichever arrived first.</summary>
    private sealed class SpanIdOrder : IComparer<byte[]>
    {
        public static readonly SpanIdOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }

    private static string? Inherit(TraceNode node, Dictionary<SpanKey, TraceNode> byId, Attribution which, Func<TraceNode, string?> own)
    {
        // Bounded walk: a malformed trace may contain a parent cycle.
        var current = node;
        for (var depth = 0; depth < byId.Count && current is not null; depth++)
        {
            if ((current.Explicit & which) != 0)
            {
                return own(current);
            }

            current = current.ParentSpanId is { } parent && byId.TryGetValue(new SpanKey(parent), out var p) ? p : null;
        }

        return null;
    }

    /// <summary>The value set closest to the root (earliest start breaks ties), for spans whose ancestors set none.</summary>
    private static string? TraceLevel(IReadOnlyList<TraceNode> trace, Dictionary<SpanKey, TraceNode> byId, Attribution which, Func<TraceNode, string?> own)
    {
        TraceNode? best = null;
        var bestDepth = int.MaxValue;
        foreach (var node in trace)
        {
            if ((node.Explicit & which) == 0)
            {
                continue;
            }

            var depth = Depth(node, byId);
            if (depth < bestDepth || (depth == bestDepth && node.StartTime < best!.StartTime))
            {
                best = node;
                bestDepth = depth;
            }
        }

        return best is null ? null : own(best);
    }

    private static int Depth(TraceNode node, Dictionary<SpanKey, TraceNode> byId)
    {
        var depth = 0;
        var current = node;
        while (current.ParentSpanId is { } parent && depth < byId.Count)
        {
            depth++;
            if (!byId.TryGetValue(new SpanKey(parent), out current!))
            {
                // The parent has not arrived yet: it is at least one level further up.
                break;
            }
        }

        return depth;
    }

    /// <summary>Every span above one of <paramref name="nodes"/>.</summary>
    private static HashSet<SpanKey> AncestorsOf(IEnumerable<TraceNode> nodes, Dictionary<SpanKey, TraceNode> byId)
    {
        var result = new HashSet<SpanKey>();
        foreach (var node in nodes)
        {
            var current = node;
            for (var depth = 0; depth < byId.Count && current.ParentSpanId is { } parent; depth++)
            {
                var key = new SpanKey(parent);
                if (!result.Add(key) || !byId.TryGetValue(key, out current!))
                {
                    break;
                }
            }
        }

        return result;
    }
}
