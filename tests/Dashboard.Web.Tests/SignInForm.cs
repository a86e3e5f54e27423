using System.Net;
using AngleSharp.Html.Parser;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests;

/// <summary>The sign-in form as a browser fills it: its antiforgery token from the page, then the post.</summary>
internal static class SignInForm
{
    /// <summary>A client with its own cookies that follows no redirects, to see where sign-in leads.</summary>
    public static HttpClient Browser(RunningApp app) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string user, string password, string path = "/account/login")
    {
        var form = new HtmlParser().ParseDocument(await browser.GetStringAsync(new Uri(path, UriKind.Relative)));
        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            ["_handler"] = "login",
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        }));
    }
}
