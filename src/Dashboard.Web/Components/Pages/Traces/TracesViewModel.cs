using System.Globalization;
using Tollgate.Analytics.Spans;

namespace Tollgate.Dashboard.Web.Components.Pages.Traces;

/// <summary>The trace list: filters checked, one bounded page of the newest matching traces.</summary>
public sealed class TracesViewModel(SpanQuery spans, TimeProvider time)
{
    public const int PageSize = 50;

    /// <summary>The windows offered, newest traffic first; the search never scans more than SpanQuery.MaxSearchWindow.</summary>
    public static IReadOnlyList<(string Value, string Label, TimeSpan Span)> Windows { get; } =
    [
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
    ];

    public const string DefaultWindow = "24h";

    public TraceListQuery Query { get; private set; } = new();
    public IReadOnlyList<TraceSummary> Traces { get; private set; } = [];
    public bool HasMore { get; private set; }
    public int Page { get; private set; } = 1;

    /// <summary>Filter problems by field name (shown next to the field), e.g. minCost.</summary>
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);

    /// <summary>When the list was read (a followed list shows it).</summary>
    public DateTime LoadedAtUtc { get; private set; }

    public async Task LoadAsync(TraceListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        Query = query;
        Problems.Clear();
        LoadedAtUtc = time.GetUtcNow().UtcDateTime;
        Page = Math.Clamp(query.Page, 1, SpanQuery.MaxSearchTraces / PageSize);
        decimal? minCost = null;
        if (!string.IsNullOrWhiteSpace(query.MinCost))
        {
            if (decimal.TryParse(query.MinCost.Trim().TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                minCost = value;
            }
            else
            {
                Problems["minCost"] = "Give an amount in US dollars, for example 0.05.";
            }
        }

        var window = Windows.FirstOrDefault(w => w.Value == query.Window);
        if (window.Value is null)
        {
            window = Windows.First(w => w.Value == DefaultWindow);
        }

        if (Problems.Count > 0)
        {
            Traces = [];
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var filter = new TraceFilter
        {
            FromUtc = now - window.Span,
            // Spans stamped slightly ahead of this server's clock are still listed.
            ToUtc = now.AddMinutes(5),
            Team = query.Team,
            Feature = query.Feature,
            Customer = query.Customer,
            Model = query.Model,
            ErrorsOnly = query.ErrorsOnly,
            MinCostUsd = minCost,
        };
        var page = await spans.SearchTracesAsync(filter, (Page - 1) * PageSize, PageSize, cancellationToken);
        Traces = page.Traces;
        HasMore = page.HasMore;
    }

    public static string Hex(byte[] id) => Convert.ToHexStringLower(id);

    /// <summary>The trace's page, for its project (another project may have used the same trace id).</summary>
    public static string DetailLink(TraceSummary trace) =>
        $"/traces/{Hex(trace.TraceId)}?project={trace.ProjectId.ToString(CultureInfo.InvariantCulture)}";
}
