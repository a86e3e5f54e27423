using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Tollgate.Dashboard.Web.Tests;

/// <summary>
/// A page rendered with streaming, read as a browser ends up showing it: the first frame, then each
/// streamed update (a <c>template</c> whose content replaces a component's region) in the order sent.
/// Whether the figures arrive in the first frame or in an update depends on how fast the read was.
/// </summary>
internal static class StreamedPage
{
    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    /// <summary>The element matching <paramref name="selector"/> as shown last: in the latest update holding one, else in the first frame.</summary>
    public static IElement? Shown(IDocument page, string selector) =>
        page.QuerySelectorAll("template[blazor-component-id]").OfType<IHtmlTemplateElement>()
            .Select(update => update.Content.QuerySelector(selector))
            .LastOrDefault(found => found is not null)
        ?? page.QuerySelector(selector);
}
