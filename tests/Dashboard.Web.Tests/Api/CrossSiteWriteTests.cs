using System.Net;
using System.Text;
using AngleSharp.Html.Parser;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>
/// A page on another site, or on another port of the same host, must not make a signed-in
/// browser change anything; scripts with API keys and Tollgate's own pages still may.
/// </summary>
public sealed class CrossSiteWriteTests
{
    private const string Csv = "feature,customer,periodStart,periodEnd,amountUsd\nanswer,acme,2026-11-01,2026-11-02,10\n";

    private static async Task<HttpClient> SignedInBrowserAsync(RunningApp app)
    {
        var browser = SignInForm.Browser(app);
        (await SignInForm.PostAsync(browser, RunningApp.AdminUser, RunningApp.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the sign-in should succeed");
        return browser;
    }

    private static HttpRequestMessage Upload(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            // text/plain is what a cross-site form or fetch can send without asking first.
            Content = new StringContent(body, Encoding.UTF8, "text/plain"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-site")] // a page on another port of this host
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Origin", "http://127.0.0.1:1")] // an older browser that only says where it comes from
    [InlineData("Origin", "null")]
    public async Task A_signed_in_browser_cannot_be_made_to_upload_from_another_site(string header, string value)
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var browser = await SignedInBrowserAsync(app);

        var revenue = await browser.SendAsync(Upload("/api/v1/revenue/csv", Csv, (header, value)));
        var prices = await browser.SendAsync(Upload("/api/v1/prices/import", "{}", (header, value)));

        revenue.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await revenue.Content.ReadAsStringAsync()).ShouldContain("sent from another site");
        prices.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);
    }

    [Fact]
    public async Task The_same_upload_from_Tollgates_own_origin_or_with_an_API_key_from_anywhere_is_stored()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var browser = await SignedInBrowserAsync(app);
        using var script = app.CreateClient(withAdminKey: true);

        var sameOrigin = await browser.SendAsync(Upload("/api/v1/revenue/csv", Csv, ("Sec-Fetch-Site", "same-origin")));
        var ownOrigin = await browser.SendAsync(Upload("/api/v1/revenue/csv", Csv, ("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority))));
        var withKey = await script.SendAsync(Upload("/api/v1/revenue/csv", Csv, ("Sec-Fetch-Site", "cross-site")));

        sameOrigin.IsSuccessStatusCode.ShouldBeTrue(await sameOrigin.Content.ReadAsStringAsync());
        ownOrigin.IsSuccessStatusCode.ShouldBeTrue(await ownOrigin.Content.ReadAsStringAsync());
        withKey.IsSuccessStatusCode.ShouldBeTrue(await withKey.Content.ReadAsStringAsync());
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Sign_out_needs_the_token_of_the_pages_form()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var browser = await SignedInBrowserAsync(app);

        var forged = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([]));
        var stillIn = await browser.GetAsync(new Uri("/", UriKind.Relative));
        var home = new HtmlParser().ParseDocument(await stillIn.Content.ReadAsStringAsync());
        var token = home.QuerySelector("form[action='/account/logout'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var signOut = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        var afterwards = await browser.GetAsync(new Uri("/", UriKind.Relative));

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        stillIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signOut.Headers.Location!.ToString().ShouldBe("/account/login");
        afterwards.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }
}
