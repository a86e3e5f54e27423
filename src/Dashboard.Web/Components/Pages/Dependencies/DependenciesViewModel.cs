using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Metrics;
using Tollgate.Dashboard.Web.Components.Display;

namespace Tollgate.Dashboard.Web.Components.Pages.Dependencies;

/// <summary>A period the page offers: its query value, its label and its length back from now.</summary>
public sealed record MapPeriod(string Key, string Label, TimeSpan Length);

/// <summary>One node's figures over the period: what flows in, what flows out, and its edges.</summary>
public sealed record NodePanel(
    MapNode Node, long CallsIn, long ErrorsIn, decimal CostIn, long CallsOut, long ErrorsOut, decimal CostOut,
    IReadOnlyList<MapEdge> Incoming, IReadOnlyList<MapEdge> Outgoing);

/// <summary>An edge as the table shows and sorts it: nodes by label, figures as read.</summary>
public sealed record EdgeRow(MapEdge Edge)
{
    public string Source => DependencyNodes.Label(Edge.Source);
    public string Target => DependencyNodes.Label(Edge.Target);
    public long Calls => Edge.Calls;
    public long Errors => Edge.Errors;
    public decimal CostUsd => Edge.CostUsd;
    public double? P95Ms => Edge.P95Ms;
    public DateTime FirstSeen => Edge.FirstSeen;
    public bool IsNew => Edge.IsNew;
}

/// <summary>What one period's read found, as it travels from the prerendered page to its circuit.</summary>
public sealed record MapFigures(string Period, DependencyGraph Graph, DebtReport? Debt)
{
    /// <summary>
    /// The most a map may weigh, as JSON, to be carried in the page. The browser hands the carried
    /// state back when its circuit starts, in one message, and a message over the circuit's limit
    /// (32 KiB by default; the state is also encrypted and base64-encoded) ends the circuit.
    /// </summary>
    public const int MaxCarriedBytes = 16 * 1024;

    /// <summary><paramref name="figures"/> if small enough to carry, else null: the circuit reads the map again.</summary>
    public static MapFigures? Carried(MapFigures figures) =>
        JsonSerializer.SerializeToUtf8Bytes(figures).Length <= MaxCarriedBytes ? figures : null;
}

/// <summary>
/// The dependency map page: the period's graph (drawn by Cytoscape from JSON, and listed as a
/// table), the figures of a chosen node, and the orchestration-debt report. The JSON and the
/// edge colours are built here so that tests can check them without a browser. The period is read
/// from the database; the overlay and the chosen node are views of what was read.
/// </summary>
public sealed class DependenciesViewModel(DebtLoader debt, TimeProvider time)
{
    public const string CostOverlay = "cost";
    public const string ErrorsOverlay = "errors";

    /// <summary>Edge widths in pixels: thin enough for a quiet edge to show, wide enough for the busiest to stand out.</summary>
    private const double MinEdgeWidth = 1.5;
    private const double MaxEdgeWidth = 8;

    /// <summary>Grey for an edge with nothing to show in the overlay.</summary>
    public const string QuietColour = "#adb5bd";

    /// <summary>Cost shares (of the costliest edge) from light to dark purple: under 25 %, 50 %, 75 %, and above.</summary>
    public static readonly IReadOnlyList<string> CostColours = ["#c5b3e6", "#a385da", "#7d4fc4", "#4a2a85"];

    /// <summary>Error rates: under 5 %, under 20 %, and above.</summary>
    public static readonly IReadOnlyList<string> ErrorColours = ["#ffc107", "#fd7e14", "#dc3545"];

    public static IReadOnlyList<MapPeriod> Periods { get; } =
    [
        new("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        new("7d", "Last 7 days", TimeSpan.FromDays(7)),
        new("30d", "Last 30 days", TimeSpan.FromDays(30)),
    ];

    public static IReadOnlyList<string> NodeKindsShown { get; } =
        [NodeKinds.Service, NodeKinds.Agent, NodeKinds.Tool, NodeKinds.Model, NodeKinds.Datastore];

    public MapPeriod Period { get; private set; } = Periods[1];

    public string Overlay { get; private set; } = CostOverlay;

    public DependencyGraph Graph { get; private set; } = new(DateTime.MinValue, DateTime.MinValue, [], [], false);

    public DebtReport? Debt { get; private set; }

    public NodePanel? Selected { get; private set; }

    /// <summary>A node id was asked for but is not on the map of this period.</summary>
    public string? MissingNode { get; private set; }

    /// <summary>The period a query value names; the last 7 days when it names none.</summary>
    public static MapPeriod PeriodOf(string? key) => Periods.FirstOrDefault(p => p.Key == key) ?? Periods[1];

    /// <summary>Reads the period's map and debt, then shows it with the overlay and node given.</summary>
    public async Task LoadAsync(string? period, string? overlay, string? node, CancellationToken cancellationToken = default)
    {
        // Until both are read, a render shows the period before with its own map.
        var chosen = PeriodOf(period);
        var now = time.GetUtcNow().UtcDateTime;
        var window = new QueryWindow(now - chosen.Length, now);
        var (graph, report) = await debt.LoadWithMapAsync(window, cancellationToken);
        (Period, Graph, Debt) = (chosen, graph, report);
        Show(overlay, node);
    }

    /// <summary>The period's map and debt as last read.</summary>
    public MapFigures Figures() => new(Period.Key, Graph, Debt);

    /// <summary>Shows a map read before (by the prerendered page) with the overlay and node given.</summary>
    public void Show(MapFigures figures, string? overlay, string? node)
    {
        ArgumentNullException.ThrowIfNull(figures);
        (Period, Graph, Debt) = (PeriodOf(figures.Period), figures.Graph, figures.Debt);
        Show(overlay, node);
    }

    /// <summary>Colours the map already read by <paramref name="overlay"/> and selects <paramref name="node"/> (or none), without reading again.</summary>
    public void Show(string? overlay, string? node)
    {
        Overlay = overlay == ErrorsOverlay ? ErrorsOverlay : CostOverlay;
        Selected = string.IsNullOrEmpty(node) ? null : PanelOf(Graph, node);
        MissingNode = !string.IsNullOrEmpty(node) && Selected is null ? node : null;
    }

    /// <summary>The figures of one node, or null when it is not on the map.</summary>
    public static NodePanel? PanelOf(DependencyGraph graph, string id)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Nodes.FirstOrDefault(n => n.Id == id) is not { } node)
        {
            return null;
        }

        var incoming = graph.Edges.Where(e => e.Target == id).ToList();
        var outgoing = graph.Edges.Where(e => e.Source == id).ToList();
        return new NodePanel(node, incoming.Sum(e => e.Calls), incoming.Sum(e => e.Errors), incoming.Sum(e => e.CostUsd),
            outgoing.Sum(e => e.Calls), outgoing.Sum(e => e.Errors), outgoing.Sum(e => e.CostUsd), incoming, outgoing);
    }

    /// <summary>This page's address with the same period and overlay, and the given node selected (or none).</summary>
    public string Link(string? node = null, string? overlay = null, string? period = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["period"] = period ?? Period.Key,
            ["overlay"] = overlay ?? Overlay,
        };
        if (node is not null)
        {
            query["node"] = node;
        }

        return QueryHelpers.AddQueryString("/dependencies", query);
    }

    /// <summary>The JSON that wwwroot/js/graphs.js draws: nodes by kind, edges sized by calls and coloured by the overlay.</summary>
    public string GraphJson() => BuildGraphJson(Graph, Overlay, Selected?.Node.Id, Link(node: ""));

    public static string BuildGraphJson(DependencyGraph graph, string overlay, string? selected, string nodeLink)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var maxCalls = graph.Edges.Count == 0 ? 0 : graph.Edges.Max(e => e.Calls);
        var maxCost = graph.Edges.Count == 0 ? 0m : graph.Edges.Max(e => e.CostUsd);
        var document = new
        {
            layout = "breadthfirst",
            nodeLink,
            nodes = graph.Nodes.Select(n => new { id = n.Id, label = n.Label, kind = n.Kind, selected = n.Id == selected }),
            edges = graph.Edges.Select(e => new
            {
                source = e.Source,
                target = e.Target,
                width = Math.Round(EdgeWidth(e.Calls, maxCalls), 2),
                color = overlay == ErrorsOverlay ? ErrorColour(e.Calls, e.Errors) : CostColour(e.CostUsd, maxCost),
                dashed = e.IsNew,
            }),
        };
        return JsonSerializer.Serialize(document);
    }

    /// <summary>Width grows with the logarithm of calls, so one hot edge does not make the rest hairlines.</summary>
    public static double EdgeWidth(long calls, long maxCalls) =>
        maxCalls <= 0 ? MinEdgeWidth : MinEdgeWidth + ((MaxEdgeWidth - MinEdgeWidth) * Math.Log(1 + calls) / Math.Log(1 + maxCalls));

    public static string CostColour(decimal cost, decimal maxCost)
    {
        if (cost <= 0m || maxCost <= 0m)
        {
            return QuietColour;
        }

        var share = cost / maxCost;
        return share switch
        {
            < 0.25m => CostColours[0],
            < 0.5m => CostColours[1],
            < 0.75m => CostColours[2],
            _ => CostColours[3],
        };
    }

    public static string ErrorColour(long calls, long errors)
    {
        if (errors <= 0 || calls <= 0)
        {
            return QuietColour;
        }

        var rate = (double)errors / calls;
        return rate switch
        {
            < 0.05 => ErrorColours[0],
            < 0.2 => ErrorColours[1],
            _ => ErrorColours[2],
        };
    }

    /// <summary>"1 call", "12 calls".</summary>
    public static string Calls(long calls) => Format.Count(calls) + (calls == 1 ? " call" : " calls");

    public static string ErrorRate(long calls, long errors) =>
        calls == 0 ? "–" : ((double)errors / calls).ToString("0.#%", CultureInfo.InvariantCulture);
}
