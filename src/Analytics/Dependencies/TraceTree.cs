namespace Tollgate.Analytics.Dependencies;

/// <summary>
/// One trace's spans linked parent to child, with the billing cost of every span's subtree.
/// A span whose parent is not among the spans (not stored, or outside the loaded window) is
/// treated as a root.
/// </summary>
public sealed class TraceTree
{
    private readonly Dictionary<string, DependencySpan> _byId;
    private readonly Dictionary<string, List<DependencySpan>> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _subtreeCost = new(StringComparer.Ordinal);

    public TraceTree(IReadOnlyList<DependencySpan> spans)
    {
        _byId = new Dictionary<string, DependencySpan>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            _byId.TryAdd(span.SpanId, span);
        }

        var roots = new List<DependencySpan>();
        foreach (var span in _byId.Values)
        {
            if (Parent(span) is { } parent)
            {
                if (!_children.TryGetValue(parent.SpanId, out var list))
                {
                    _children[parent.SpanId] = list = [];
                }

                list.Add(span);
            }
            else
            {
                roots.Add(span);
            }
        }

        Roots = roots;
        // Breadth-first from the roots, then children before parents: no recursion however deep
        // the trace. Spans in a parent cycle (malformed data) are unreachable and keep their own cost.
        var order = new List<DependencySpan>(_byId.Count);
        order.AddRange(roots);
        for (var i = 0; i < order.Count; i++)
        {
            order.AddRange(Children(order[i]));
        }

        foreach (var span in _byId.Values)
        {
            _subtreeCost[span.SpanId] = span.BillingCostUsd ?? 0m;
        }

        for (var i = order.Count - 1; i >= 0; i--)
        {
            if (Parent(order[i]) is { } parent)
            {
                _subtreeCost[parent.SpanId] += _subtreeCost[order[i].SpanId];
            }
        }

        Ordered = order;
    }

    public IReadOnlyList<DependencySpan> Roots { get; }

    /// <summary>Every reachable span, parents before children.</summary>
    public IReadOnlyList<DependencySpan> Ordered { get; }

    public IEnumerable<DependencySpan> Spans => _byId.Values;

    public DependencySpan? Parent(DependencySpan span) =>
        span.ParentSpanId is { } id && id != span.SpanId && _byId.TryGetValue(id, out var parent) ? parent : null;

    public IReadOnlyList<DependencySpan> Children(DependencySpan span) =>
        _children.TryGetValue(span.SpanId, out var list) ? list : [];

    public decimal SubtreeCost(DependencySpan span) => _subtreeCost[span.SpanId];
}
