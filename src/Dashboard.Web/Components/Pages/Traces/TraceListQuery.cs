using System.Globalization;

namespace Tollgate.Dashboard.Web.Components.Pages.Traces;

/// <summary>The trace list's filters as they travel in the query string (a plain GET form).</summary>
public sealed record TraceListQuery(
    string? Team = null,
    string? Feature = null,
    string? Customer = null,
    string? Model = null,
    bool ErrorsOnly = false,
    string? MinCost = null,
    int Page = 1,
    string? Window = null)
{
    /// <summary>The query string for this filter on another page (for the pager's links).</summary>
    public string ToQueryString(int page)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
            }
        }

        Add("team", Team);
        Add("feature", Feature);
        Add("customer", Customer);
        Add("model", Model);
        if (ErrorsOnly)
        {
            parts.Add("errors=true");
        }

        Add("minCost", MinCost);
        Add("window", Window);
        if (page > 1)
        {
            parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
