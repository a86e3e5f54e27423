using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Pages;

/// <summary>Writes spans into a running app's database, rolls them up, and renders pages to parsed HTML.</summary>
internal static class PageKit
{
    public static async Task<int> DefaultProjectIdAsync(RunningApp app) =>
        (await app.App.Services.GetRequiredService<ProjectStore>().ListAsync()).Single(p => p.Name == "default").Id;

    public static async Task WriteAndRollUpAsync(RunningApp app, IReadOnlyList<SpanRecord> spans, DateTime fromUtc, DateTime toUtc)
    {
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(spans);
        await app.App.Services.GetRequiredService<RollupService>().RecomputeAsync(fromUtc, toUtc);
    }

    /// <summary>A request: a root span carrying team and feature, and one model call with a provided cost.</summary>
    public static IEnumerable<SpanRecord> Request(int projectId, int trace, DateTime start, string team, string feature, string model, decimal cost)
    {
        yield return TestSpans.Root(projectId, trace, 1, "gateway", start, team, feature);
        yield return TestSpans.Chat(projectId, trace, 2, 1, "gateway", start.AddMilliseconds(100), "openai", model, cost);
    }

    /// <summary>Renders a page component as the server would, with the query string of <paramref name="relativeUri"/> and the route's values.</summary>
    public static async Task<IDocument> RenderAsync<TComponent>(IServiceProvider services, string relativeUri = "/", IDictionary<string, object?>? routeValues = null)
        where TComponent : IComponent
    {
        if (services.GetRequiredService<NavigationManager>() is IHostEnvironmentNavigationManager navigation)
        {
            navigation.Initialize("http://localhost/", "http://localhost" + relativeUri);
        }

        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TComponent>(routeValues is null ? ParameterView.Empty : ParameterView.FromDictionary(routeValues))).ToHtmlString());
        return new HtmlParser().ParseDocument(html);
    }
}
