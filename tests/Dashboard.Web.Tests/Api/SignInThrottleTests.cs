using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class SignInThrottleTests
{
    private static readonly IPAddress Office = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Elsewhere = IPAddress.Parse("198.51.100.7");

    [Fact]
    public void Five_failures_for_one_name_make_that_address_wait_for_that_name_only()
    {
        var clock = new ShiftedClock(new DateTime(2026, 11, 18, 12, 0, 0, DateTimeKind.Utc));
        var throttle = new SignInThrottle(clock);

        for (var i = 0; i < SignInThrottle.MaxFailuresPerUser; i++)
        {
            throttle.WaitBefore(Office, "admin").ShouldBeNull();
            throttle.Failed(Office, "admin");
        }

        throttle.WaitBefore(Office, "Admin ").ShouldNotBeNull().ShouldBeLessThanOrEqualTo(SignInThrottle.Window);
        // The account is not locked: another address, or another name from this one, may still try.
        throttle.WaitBefore(Elsewhere, "admin").ShouldBeNull();
        throttle.WaitBefore(Office, "pm").ShouldBeNull();
        clock.Advance(SignInThrottle.Window);
        throttle.WaitBefore(Office, "admin").ShouldBeNull();
    }

    [Fact]
    public void Twenty_failures_over_any_names_make_the_address_wait_for_every_name()
    {
        var clock = new ShiftedClock(new DateTime(2026, 11, 18, 12, 0, 0, DateTimeKind.Utc));
        var throttle = new SignInThrottle(clock);

        for (var i = 0; i < SignInThrottle.MaxFailuresPerAddress; i++)
        {
            throttle.Failed(Office, "user" + i);
        }

        throttle.WaitBefore(Office, "someone-new").ShouldNotBeNull();
        throttle.WaitBefore(Elsewhere, "someone-new").ShouldBeNull();
    }

    [Fact]
    public async Task Failing_on_purpose_never_locks_the_admin_out_and_real_and_unknown_names_read_the_same()
    {
        var clock = new ShiftedClock(DateTime.UtcNow);
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a, clock));
        async Task<string> SignInAsync(string user, string password)
        {
            using var browser = SignInForm.Browser(app);
            var response = await SignInForm.PostAsync(browser, user, password);
            return response.StatusCode == HttpStatusCode.Redirect
                ? "signed in"
                : new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")?.TextContent ?? "";
        }

        var admin = new List<string>();
        var nobody = new List<string>();
        for (var i = 0; i <= SignInThrottle.MaxFailuresPerUser; i++)
        {
            admin.Add(await SignInAsync(RunningApp.AdminUser, "wrong-password-" + i));
            nobody.Add(await SignInAsync("nobody-here", "wrong-password-" + i));
        }

        var whileWaiting = await SignInAsync(RunningApp.AdminUser, RunningApp.AdminPassword);
        clock.Advance(SignInThrottle.Window);
        var afterwards = await SignInAsync(RunningApp.AdminUser, RunningApp.AdminPassword);

        admin.ShouldBe(nobody);
        admin[0].ShouldBe("User name or password is wrong.");
        admin[^1].ShouldStartWith("Too many failed sign-ins from your address");
        whileWaiting.ShouldStartWith("Too many failed sign-ins from your address");
        afterwards.ShouldBe("signed in");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Behind_a_trusted_proxy_each_client_is_counted_by_its_forwarded_address_and_otherwise_the_header_is_ignored(bool proxyTrusted)
    {
        // The tests reach the app from the loopback address: trusting it makes the test client the
        // proxy. Behind it, a second proxy in a listed network forwards both clients.
        var settings = proxyTrusted ? new Dictionary<string, string> { ["Tollgate:TrustedProxies"] = "127.0.0.1,::1,10.9.0.0/16" } : null;
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: settings);
        async Task<string> SignInAsync(string client, string password)
        {
            using var browser = SignInForm.Browser(app);
            browser.DefaultRequestHeaders.Add("X-Forwarded-For", client);
            var response = await SignInForm.PostAsync(browser, RunningApp.AdminUser, password);
            return response.StatusCode == HttpStatusCode.Redirect
                ? "signed in"
                : new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).QuerySelector("[role=alert]")?.TextContent ?? "";
        }

        for (var i = 0; i < SignInThrottle.MaxFailuresPerUser; i++)
        {
            (await SignInAsync("203.0.113.1, 10.9.0.5", "wrong-password-" + i)).ShouldBe("User name or password is wrong.");
        }

        (await SignInAsync("203.0.113.1, 10.9.0.5", RunningApp.AdminPassword)).ShouldStartWith("Too many failed sign-ins from your address");
        var otherClient = await SignInAsync("203.0.113.2, 10.9.0.5", RunningApp.AdminPassword);
        if (proxyTrusted)
        {
            otherClient.ShouldBe("signed in", "another client behind the same proxy is not held up by the first");
        }
        else
        {
            otherClient.ShouldStartWith("Too many failed sign-ins from your address", customMessage: "an untrusted X-Forwarded-For cannot pick a fresh address");
        }
    }

    [Fact]
    public async Task A_disabled_login_is_told_so_only_with_its_right_password_and_the_password_never_comes_back()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using (var scope = app.App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            (await users.CreateAsync("dora", "dora-password-long", Roles.Viewer, email: null, RunningApp.AdminUser)).Succeeded.ShouldBeTrue();
            (await users.SetDisabledAsync("dora", disabled: true, RunningApp.AdminUser)).Succeeded.ShouldBeTrue();
        }

        async Task<(string Alert, string? Password)> SignInAsync(string password)
        {
            using var browser = SignInForm.Browser(app);
            var response = await SignInForm.PostAsync(browser, "dora", password);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, "a refused sign-in shows the form again");
            var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            return (page.QuerySelector("[role=alert]")?.TextContent ?? "", page.QuerySelector("#password")?.GetAttribute("value"));
        }

        var right = await SignInAsync("dora-password-long");
        var wrong = await SignInAsync("not-doras-password");

        right.Alert.ShouldBe("This login is disabled. Ask an admin to enable it.");
        wrong.Alert.ShouldBe("User name or password is wrong.");
        right.Password.ShouldBeNullOrEmpty();
        wrong.Password.ShouldBeNullOrEmpty();
    }
}
