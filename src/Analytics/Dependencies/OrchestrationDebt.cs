namespace Tollgate.Analytics.Dependencies;

/// <summary>An edge first seen in the period: a dependency nobody may have documented.</summary>
public sealed record NewDependency(string Source, string Target, DateTime FirstSeen, long Calls);

/// <summary>The deepest chain of distinct consecutive nodes from a root (depth = nodes on the path).</summary>
public sealed record CallChain(int Depth, IReadOnlyList<string> Path, string TraceId);

public sealed record FanOut(string Node, string Label, int Children);

/// <summary>A trace where an error travelled from a span up through every ancestor to the root.</summary>
public sealed record CascadeExample(string TraceId, string Origin, int Depth);

public sealed record ErrorCascades(long Count, IReadOnlyList<CascadeExample> Examples);

public sealed record AgentCost(string Agent, decimal CostUsd);

public sealed record DebtReport(
    DateTime From,
    DateTime To,
    IReadOnlyList<NewDependency> NewDependencies,
    CallChain? LongestChain,
    FanOut? WidestFanOut,
    ErrorCascades ErrorCascades,
    IReadOnlyList<AgentCost> AgentCosts,
    long TracesExamined);

/// <summary>What one trace contributes to the debt report: its longest chain, its error cascade, the cost under each agent.</summary>
public sealed record TraceShape(CallChain? Chain, CascadeExample? Cascade, IReadOnlyDictionary<string, decimal> AgentCosts);

/// <summary>
/// The debt figures of the traces that started in one hour (of one project), as the dependency
/// rollup stores them: traces, the longest chain, the cascade count with the first examples, and
/// the cost under each agent. Hours add up into any window.
/// </summary>
public sealed class DebtHour
{
    public DateTime Hour { get; init; }
    public long Traces { get; set; }
    public CallChain? Longest { get; set; }
    public long Cascades { get; set; }
    public List<CascadeExample> Examples { get; init; } = [];
    public Dictionary<string, decimal> AgentCosts { get; init; } = new(StringComparer.Ordinal);

    public void Add(TraceShape shape)
    {
        Traces++;
        KeepLongest(shape.Chain);
        if (shape.Cascade is { } cascade)
        {
            Cascades++;
            if (Examples.Count < OrchestrationDebt.MaxExamples)
            {
                Examples.Add(cascade);
            }
        }

        AddAgentCosts(shape.AgentCosts);
    }

    /// <summary>Adds another hour's traces, longest chain, cascade count and agent costs; not its examples, which a report picks from the latest hours.</summary>
    public void AddTotals(DebtHour other)
    {
        Traces += other.Traces;
        KeepLongest(other.Longest);
        Cascades += other.Cascades;
        AddAgentCosts(other.AgentCosts);
    }

    // On ties the chain seen first stays.
    private void KeepLongest(CallChain? chain)
    {
        if (chain is not null && (Longest is null || chain.Depth > Longest.Depth))
        {
            Longest = chain;
        }
    }

    private void AddAgentCosts(IReadOnlyDictionary<string, decimal> costs)
    {
        foreach (var (agent, cost) in costs)
        {
            AgentCosts[agent] = AgentCosts.GetValueOrDefault(agent) + cost;
        }
    }
}

/// <summary>
/// Orchestration debt over a period: dependencies that appeared, the longest call chain, the
/// widest fan-out, error cascades and the cost flowing through each agent. New dependencies and
/// fan-out come from the edge rollup; chains, cascades and agent cost from every trace of the
/// period, through the per-hour shapes the dependency rollup keeps (<see cref="DebtHour"/>).
/// <list type="bullet">
/// <item>Chain: the path of nodes from a root to a span, consecutive repeats of the same node
/// collapsed (as on the map); the longest over the sample, first found on ties.</item>
/// <item>Fan-out: the node with the most distinct target nodes over the period's edges.</item>
/// <item>Error cascade: a trace whose root errored and whose error can be followed down through
/// errored children to at least one level below; the origin is the deepest span of that unbroken
/// chain of errors.</item>
/// <item>Agent cost: per agent, the billing cost under its outermost spans (a span carrying the
/// agent with no ancestor carrying it), so nested spans of the same agent are not counted twice.</item>
/// </list>
/// </summary>
public static class OrchestrationDebt
{
    /// <summary>Cascade examples listed; enough to open a few traces, not a report of all of them.</summary>
    public const int MaxExamples = 10;

    /// <summary>The report from the period's edges and the debt figures of its hours (in hour order).</summary>
    public static DebtReport Analyse(DateTime from, DateTime to, IReadOnlyList<MapEdge> periodEdges, IReadOnlyList<DebtHour> hours)
    {
        var newEdges = periodEdges.Where(e => e.IsNew).OrderBy(e => e.FirstSeen).ThenBy(e => e.Source, StringComparer.Ordinal)
            .Select(e => new NewDependency(e.Source, e.Target, e.FirstSeen, e.Calls)).ToList();
        var fanOut = periodEdges.GroupBy(e => e.Source)
            .Select(g => new FanOut(g.Key, DependencyNodes.Label(g.Key), g.Select(e => e.Target).Distinct(StringComparer.Ordinal).Count()))
            .OrderByDescending(f => f.Children).ThenBy(f => f.Node, StringComparer.Ordinal).FirstOrDefault();

        // The earliest longest chain, the latest cascade examples.
        var total = new DebtHour();
        foreach (var hour in hours)
        {
            total.AddTotals(hour);
        }

        var examples = hours.Reverse().SelectMany(h => h.Examples).Take(MaxExamples).ToList();
        return new DebtReport(from, to, newEdges, total.Longest, fanOut, new ErrorCascades(total.Cascades, examples),
            [.. total.AgentCosts.Select(a => new AgentCost(a.Key, a.Value)).OrderByDescending(a => a.CostUsd).ThenBy(a => a.Agent, StringComparer.Ordinal)],
            total.Traces);
    }

    /// <summary>The report over whole traces, as one hour: the same figures the rollup would store for them.</summary>
    public static DebtReport Analyse(DateTime from, DateTime to, IReadOnlyList<MapEdge> periodEdges, IEnumerable<IReadOnlyList<DependencySpan>> traces)
    {
        var hour = new DebtHour { Hour = from };
        foreach (var spans in traces)
        {
            hour.Add(Shape(spans));
        }

        return Analyse(from, to, periodEdges, [hour]);
    }

    /// <summary>One trace's chain, cascade and agent costs.</summary>
    public static TraceShape Shape(IReadOnlyList<DependencySpan> spans)
    {
        var tree = new TraceTree(spans);
        var agentCosts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        AddAgentCost(tree, agentCosts);
        return new TraceShape(LongestChain(tree), Cascade(tree), agentCosts);
    }

    private static CallChain? LongestChain(TraceTree tree)
    {
        var paths = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? best = null;
        foreach (var span in tree.Ordered)
        {
            var path = tree.Parent(span) is { } parent ? [.. paths[parent.SpanId]] : new List<string>();
            if (path.Count == 0 || path[^1] != span.Node)
            {
                path.Add(span.Node);
            }

            paths[span.SpanId] = path;
            if (best is null || path.Count > best.Count)
            {
                best = path;
            }
        }

        return best is null ? null : new CallChain(best.Count, [.. best.Select(DependencyNodes.Label)], tree.Ordered[0].TraceId);
    }

    private static CascadeExample? Cascade(TraceTree tree)
    {
        foreach (var root in tree.Roots.Where(r => r.Error))
        {
            // Follow errored children down from the root; the deepest errored span reached is the origin.
            var (origin, depth) = (root, 1);
            var frontier = new List<(DependencySpan Span, int Depth)> { (root, 1) };
            while (frontier.Count > 0)
            {
                var next = new List<(DependencySpan, int)>();
                foreach (var (span, d) in frontier)
                {
                    foreach (var child in tree.Children(span).Where(c => c.Error))
                    {
                        next.Add((child, d + 1));
                        if (d + 1 > depth)
                        {
                            (origin, depth) = (child, d + 1);
                        }
                    }
                }

                frontier = next;
            }

            if (depth >= 2)
            {
                return new CascadeExample(root.TraceId, DependencyNodes.Label(origin.Node), depth);
            }
        }

        return null;
    }

    private static void AddAgentCost(TraceTree tree, Dictionary<string, decimal> costs)
    {
        foreach (var span in tree.Ordered.Where(s => !string.IsNullOrEmpty(s.Agent)))
        {
            var ancestor = tree.Parent(span);
            while (ancestor is not null && ancestor.Agent != span.Agent)
            {
                ancestor = tree.Parent(ancestor);
            }

            if (ancestor is null)
            {
                costs[span.Agent!] = costs.GetValueOrDefault(span.Agent!) + tree.SubtreeCost(span);
            }
        }
    }
}
