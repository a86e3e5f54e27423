using System.Net;
using AngleSharp.Html.Parser;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests;

public sealed class AssetDeliveryTests
{
    [Fact]
    public async Task Every_stylesheet_and_script_a_page_links_is_sent_compressed_and_kept_by_the_browser_for_good()
    {
        // A build (not a publish) serves its assets uncached unless told to cache them as a published app does.
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: new Dictionary<string, string>
        {
            ["EnableStaticAssetsDevelopmentCaching"] = "true",
        });
        using var browser = SignInForm.Browser(app);
        (await SignInForm.PostAsync(browser, RunningApp.AdminUser, RunningApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = new HtmlParser().ParseDocument(await browser.GetStringAsync(new Uri("/", UriKind.Relative)));
        var linked = page.QuerySelectorAll("link[rel=stylesheet]").Select(link => link.GetAttribute("href")!)
            .Concat(page.QuerySelectorAll("script[src]").Select(script => script.GetAttribute("src")!))
            .ToList();
        linked.ShouldContain(href => href.Contains("MudBlazor", StringComparison.OrdinalIgnoreCase) && href.EndsWith(".css", StringComparison.Ordinal));
        linked.ShouldContain(href => href.Contains("MudBlazor", StringComparison.OrdinalIgnoreCase) && href.EndsWith(".js", StringComparison.Ordinal));
        linked.ShouldContain(href => href.Contains("blazor.web", StringComparison.Ordinal));

        // A client that asks for compression and does not undo it, to see what travels.
        using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = app.BaseAddress };
        foreach (var href in linked)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(href, UriKind.Relative));
            request.Headers.Add("Accept-Encoding", "gzip, deflate, br, zstd");
            using var response = await raw.SendAsync(request);

            response.StatusCode.ShouldBe(HttpStatusCode.OK, href);
            response.Content.Headers.ContentEncoding.ShouldNotBeEmpty($"{href} is sent uncompressed");
            response.Headers.CacheControl.ShouldNotBeNull(href).MaxAge.ShouldBe(TimeSpan.FromDays(365), href);
        }
    }
}
