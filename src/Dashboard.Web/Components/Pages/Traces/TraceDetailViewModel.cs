using System.Globalization;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Spans;

namespace Tollgate.Dashboard.Web.Components.Pages.Traces;

/// <summary>One row of the waterfall: the span, its depth in the tree, and where its bar sits (percent of the trace).</summary>
public sealed record WaterfallRow(SpanRecord Span, int Depth, double OffsetPercent, double WidthPercent)
{
    public decimal? CostUsd => Span.ProvidedCostUsd ?? Span.ComputedCostUsd;
    public bool Error => Span.StatusCode == 2;
    public TimeSpan Duration => Span.EndTime - Span.StartTime;
    public string SpanIdHex => Convert.ToHexStringLower(Span.SpanId);

    /// <summary>Inline position of the bar, invariant so a comma never becomes the decimal separator.</summary>
    public string BarStyle => string.Create(CultureInfo.InvariantCulture, $"left:{OffsetPercent:0.###}%;width:{WidthPercent:0.###}%");

    public string IndentStyle => string.Create(CultureInfo.InvariantCulture, $"padding-left:{Math.Min(Depth, TraceDetailViewModel.MaxIndentDepth) * 0.9:0.#}rem");
}

/// <summary>
/// A trace as a waterfall: spans in tree order (parents before children, siblings by start), each
/// bar placed by its start and sized by its duration relative to the whole trace.
/// </summary>
public sealed class TraceDetailViewModel(SpanQuery spans, ProjectStore projects)
{
    /// <summary>Deeper spans are not indented further, so names stay readable.</summary>
    public const int MaxIndentDepth = 12;

    public string TraceIdHex { get; private set; } = "";
    public bool ValidId { get; private set; }
    public IReadOnlyList<WaterfallRow> Rows { get; private set; } = [];
    public DateTime StartTime { get; private set; }
    public TimeSpan Duration { get; private set; }
    public decimal CostUsd { get; private set; }
    public int Errors { get; private set; }
    public bool Truncated { get; private set; }

    /// <summary>The project whose spans are shown.</summary>
    public ProjectInfo? Project { get; private set; }

    /// <summary>When several projects sent spans with this trace id and none was chosen: those projects, to choose from.</summary>
    public IReadOnlyList<ProjectInfo> Choices { get; private set; } = [];

    /// <param name="traceId">The trace id, 32 hexadecimal characters.</param>
    /// <param name="projectId">The project chosen, when several sent this trace id.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task LoadAsync(string traceId, int? projectId = null, CancellationToken cancellationToken = default)
    {
        TraceIdHex = traceId.ToLowerInvariant();
        ValidId = traceId.Length == 32 && traceId.All(char.IsAsciiHexDigit);
        if (!ValidId)
        {
            return;
        }

        var found = await spans.FindTraceAsync(Convert.FromHexString(traceId), projectId, cancellationToken);
        var known = await projects.ListAsync(cancellationToken);
        Project = known.FirstOrDefault(p => p.Id == found.ProjectId);
        Choices = found.IsAmbiguous ? [.. known.Where(p => found.Projects.Contains(p.Id))] : [];
        Truncated = found.Spans.Count >= SpanQuery.MaxSpansPerTrace;
        Build(found.Spans);
    }

    /// <summary>This trace as one project sent it.</summary>
    public string Link(ProjectInfo project) => $"/traces/{TraceIdHex}?project={project.Id}";

    private void Build(IReadOnlyList<SpanRecord> found)
    {
        Rows = Layout(found);
        if (found.Count == 0)
        {
            return;
        }

        StartTime = found.Min(s => s.StartTime);
        Duration = found.Max(s => s.EndTime) - StartTime;
        CostUsd = found.Where(s => s.Billing).Sum(s => s.ProvidedCostUsd ?? s.ComputedCostUsd ?? 0);
        Errors = found.Count(s => s.StatusCode == 2);
    }

    /// <summary>The waterfall's rows: tree order, bars in percent of the whole trace.</summary>
    public static IReadOnlyList<WaterfallRow> Layout(IReadOnlyList<SpanRecord> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (found.Count == 0)
        {
            return [];
        }

        var start = found.Min(s => s.StartTime);
        var duration = found.Max(s => s.EndTime) - start;

        var ids = found.Select(s => Convert.ToHexString(s.SpanId)).ToHashSet(StringComparer.Ordinal);
        var children = found
            .Where(s => s.ParentSpanId is not null && ids.Contains(Convert.ToHexString(s.ParentSpanId)))
            .GroupBy(s => Convert.ToHexString(s.ParentSpanId!), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartTime).ToList(), StringComparer.Ordinal);
        // Roots, and spans whose parent was not received, start the tree.
        var roots = found.Where(s => s.ParentSpanId is null || !ids.Contains(Convert.ToHexString(s.ParentSpanId))).OrderBy(s => s.StartTime);

        var total = Math.Max(duration.Ticks, 1);
        var rows = new List<WaterfallRow>(found.Count);
        var stack = new Stack<(SpanRecord Span, int Depth)>();
        foreach (var root in roots.Reverse())
        {
            stack.Push((root, 0));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stack.Count > 0)
        {
            var (span, depth) = stack.Pop();
            var id = Convert.ToHexString(span.SpanId);
            if (!seen.Add(id))
            {
                // A span listed as its own ancestor (a broken exporter) is shown once.
                continue;
            }

            var offset = 100.0 * (span.StartTime - start).Ticks / total;
            var width = 100.0 * Math.Max((span.EndTime - span.StartTime).Ticks, 0) / total;
            rows.Add(new WaterfallRow(span, depth, Math.Clamp(offset, 0, 100), Math.Clamp(width, 0, 100 - Math.Clamp(offset, 0, 100))));
            if (children.TryGetValue(id, out var kids))
            {
                for (var i = kids.Count - 1; i >= 0; i--)
                {
                    stack.Push((kids[i], depth + 1));
                }
            }
        }

        return rows;
    }
}
