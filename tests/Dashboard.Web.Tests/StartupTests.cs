using System.Diagnostics;
using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests;

public sealed class StartupTests
{
    [Fact]
    public async Task A_started_dashboard_is_live_and_ready_on_every_port()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = new HttpClient();

        foreach (var port in new[] { app.HttpPort, app.OtlpHttpPort })
        {
            (await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live"))).StatusCode.ShouldBe(HttpStatusCode.OK);
            var ready = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
            ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task OTLP_is_received_on_its_own_port_only()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("x-api-key", RunningApp.IngestKey);

        var onDashboard = await client.PostAsync(new Uri($"http://127.0.0.1:{app.HttpPort}/v1/traces"), Json("{}"));
        var onOtlp = await client.PostAsync(new Uri($"http://127.0.0.1:{app.OtlpHttpPort}/v1/traces"), Json("{}"));

        onDashboard.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        onOtlp.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Readiness_fails_while_the_schema_is_behind_the_build()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await app.Database.ExecuteAsync("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");
        using var client = app.CreateClient();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pages_need_sign_in_and_the_bootstrap_admin_can_sign_in()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(followRedirects: false);

        var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.ToString().ShouldContain("/account/login");

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = app.BaseAddress };
        var loginPage = await browser.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        var form = new HtmlParser().ParseDocument(loginPage);
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = RunningApp.AdminUser,
            ["Input.Password"] = RunningApp.AdminPassword,
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = StreamedPage.Parse(await response.Content.ReadAsStringAsync());
        StreamedPage.Shown(page, "h1").ShouldNotBeNull().TextContent.ShouldBe("Weekly spend");
        StreamedPage.Shown(page, ".empty h2").ShouldNotBeNull().TextContent.ShouldBe("No spans yet");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.BaseAddress };
        var form = new HtmlParser().ParseDocument(await browser.GetStringAsync(new Uri("/account/login", UriKind.Relative)));
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var response = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = RunningApp.AdminUser,
            ["Input.Password"] = "not-the-password",
        }));

        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        page.QuerySelector("[role=alert]")!.TextContent.ShouldBe("User name or password is wrong.");
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"openapi\"");
    }

    [Fact]
    public async Task The_accounts_model_matches_the_SQL_schema()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await using var scope = app.App.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();

        var differences = await SchemaComparison.DifferencesAsync(context, app.Database.ConnectionString);

        differences.ShouldBeEmpty();
        (await context.Roles.CountAsync()).ShouldBe(Roles.All.Count);
    }

    [Fact]
    public async Task A_bad_option_stops_the_process_with_a_message_naming_the_key()
    {
        var dll = typeof(DashboardApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--Tollgate:HttpPort=0", "--ConnectionStrings:Tollgate=Host=127.0.0.1;Database=x" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        process.ExitCode.ShouldBe(2);
        stderr.ShouldContain("Tollgate:HttpPort must be between 1 and 65535 (got 0)");
    }
}
