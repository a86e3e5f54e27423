using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Pages;

/// <summary>Renders pages to parsed HTML, as the server would (data comes from <see cref="PageData"/>).</summary>
internal static class PageKit
{
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
