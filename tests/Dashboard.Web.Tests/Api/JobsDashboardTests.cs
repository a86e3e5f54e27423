using System.Net;
using System.Net.Http.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class JobsDashboardTests
{
    [Fact]
    public async Task The_jobs_dashboard_is_for_admins_read_only_for_leads_and_closed_to_everyone_else()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        foreach (var (user, role) in new[] { ("lena", "lead"), ("piet", "pm"), ("vera", "viewer") })
        {
            (await admin.PostAsJsonAsync("/api/v1/users", new { userName = user, password = "a-long-enough-passphrase", role })).EnsureSuccessStatusCode();
        }

        using var anonymous = SignInForm.Browser(app);
        var refused = await anonymous.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative));
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.PathAndQuery.ShouldBe("/account/login?ReturnUrl=%2Fadmin%2Fjobs%2Frecurring");

        // An API key is for the REST API: the dashboard answers only to people signed in.
        using var keyHolder = SignInForm.Browser(app);
        keyHolder.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
        (await keyHolder.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        foreach (var user in new[] { "piet", "vera" })
        {
            using var browser = await SignedInAsync(app, user, "a-long-enough-passphrase");
            var denied = await browser.GetAsync(new Uri("/admin/jobs", UriKind.Relative));
            denied.StatusCode.ShouldBe(HttpStatusCode.Redirect, user);
            denied.Headers.Location!.AbsolutePath.ShouldBe("/account/denied", user);
        }

        using var adminBrowser = await SignedInAsync(app, RunningApp.AdminUser, RunningApp.AdminPassword);
        var recurring = await adminBrowser.GetStringAsync(new Uri("/admin/jobs/recurring", UriKind.Relative));
        recurring.ShouldContain("Tollgate jobs");
        foreach (var job in new[] { "rollups", "dependencies", "anomalies", "weekly-digest" })
        {
            recurring.ShouldContain(job);
        }

        recurring.ShouldContain("js-jobs-list-command", customMessage: "an admin can trigger or delete recurring jobs");

        using var leadBrowser = await SignedInAsync(app, "lena", "a-long-enough-passphrase");
        var asLead = await leadBrowser.GetStringAsync(new Uri("/admin/jobs/recurring", UriKind.Relative));
        asLead.ShouldContain("weekly-digest");
        asLead.ShouldNotContain("js-jobs-list-command", customMessage: "a lead sees the jobs but cannot act on them");
    }

    private static async Task<HttpClient> SignedInAsync(RunningApp app, string user, string password)
    {
        var browser = SignInForm.Browser(app);
        (await SignInForm.PostAsync(browser, user, password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }
}
