using System.Text.Json;

namespace Tollgate.Dashboard.Web.Components.Display;

/// <summary>
/// Builds ECharts option JSON for a <c>data-chart</c> attribute, drawn by wwwroot/js/charts.js.
/// The JSON is an attribute value (Razor escapes it), never a script, so telemetry text in labels
/// cannot run and the page needs no inline script.
/// </summary>
public static class ChartOptions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A bar chart of one series in US dollars over category labels (days, teams...).</summary>
    public static string DollarBars(IReadOnlyList<string> categories, IReadOnlyList<decimal> values, string seriesName)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        var option = new
        {
            // Drawn at once: a page is read, not watched, and screenshots and print see the final bars.
            animation = false,
            grid = new { left = 64, right = 16, top = 24, bottom = 32 },
            tooltip = new { trigger = "axis" },
            xAxis = new { type = "category", data = categories },
            yAxis = new { type = "value", axisLabel = new { formatter = "${value}" } },
            // Doubles: a chart needs no decimal precision, and stored sums carry trailing zeros.
            series = new[] { new { name = seriesName, type = "bar", data = values.Select(v => (double)v), itemStyle = new { color = "#6f42c1" } } },
        };
        return JsonSerializer.Serialize(option, Json);
    }

    /// <summary>A graph for a <c>data-graph</c> attribute, drawn by wwwroot/js/graphs.js with Cytoscape.</summary>
    public static string Graph(IEnumerable<(string Id, string Label, string Kind)> nodes, IEnumerable<(string Source, string Target, string? Label)> edges)
    {
        var graph = new
        {
            nodes = nodes.Select(n => new { id = n.Id, label = n.Label, kind = n.Kind }),
            edges = edges.Select(e => new { source = e.Source, target = e.Target, label = e.Label }),
        };
        return JsonSerializer.Serialize(graph, Json);
    }
}
