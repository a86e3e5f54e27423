using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Connect;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>What each port serves, where sign-in may lead, and who may create projects.</summary>
public sealed class SurfaceTests
{
    [Fact]
    public async Task The_OTLP_ports_serve_OTLP_and_health_but_not_the_UI_or_the_REST_API()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var otlp = new HttpClient { BaseAddress = app.OtlpHttpAddress };
        otlp.DefaultRequestHeaders.Authorization = new("Bearer", RunningApp.AdminKey);
        using var web = app.CreateClient(withAdminKey: true);

        (await otlp.GetAsync(new Uri("/api/v1/summary", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await otlp.GetAsync(new Uri("/account/login", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await otlp.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await otlp.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The OTLP route itself still answers there (401 without an ingest key), and the API on the web port.
        (await otlp.PostAsync(new Uri("/v1/traces", UriKind.Relative), new ByteArrayContent([]) { Headers = { ContentType = new("application/x-protobuf") } }))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await web.GetAsync(new Uri("/api/v1/summary", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/traces?team=é", "/traces?team=%C3%A9")]
    [InlineData("/traces?team=日本", "/traces?team=%E6%97%A5%E6%9C%AC")]
    [InlineData("/admin/budgets", "/admin/budgets")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("traces", "/")]
    [InlineData(null, "/")]
    public void After_sign_in_only_local_paths_are_followed_and_in_ASCII(string? requested, string expected) =>
        ReturnUrls.LocalOrHome(requested).ShouldBe(expected);

    [Fact]
    public async Task Signing_in_with_a_non_ASCII_return_path_redirects_there()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var browser = SignInForm.Browser(app);

        var response = await SignInForm.PostAsync(browser, RunningApp.AdminUser, RunningApp.AdminPassword, "/account/login?ReturnUrl=%2Ftraces%3Fteam%3D%C3%A9");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        new Uri(app.BaseAddress, response.Headers.Location!).GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped).ShouldBe("/traces?team=%C3%A9");
    }

    [Fact]
    public async Task A_lead_adds_keys_to_existing_projects_and_only_an_admin_creates_one()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        static ClaimsPrincipal As(string role) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, role + "-user"), new Claim(ClaimTypes.Role, role)], "test"));
        await using var scope = app.App.Services.CreateAsyncScope();
        var connect = scope.ServiceProvider.GetRequiredService<ConnectViewModel>();

        var leadNew = await connect.CreateKeyAsync(new NewKeyInput { Name = "svc", Project = "brand-new" }, As(Roles.Lead));
        var leadExisting = await connect.CreateKeyAsync(new NewKeyInput { Name = "svc", Project = "default" }, As(Roles.Lead));
        var adminNew = await connect.CreateKeyAsync(new NewKeyInput { Name = "svc", Project = "brand-new" }, As(Roles.Admin));

        leadNew.Key.ShouldBeNull();
        leadNew.Field.ShouldBe(nameof(NewKeyInput.Project));
        leadNew.Problem.ShouldNotBeNull().ShouldContain("only admins create projects");
        leadExisting.Key.ShouldNotBeNull();
        adminNew.Key.ShouldNotBeNull();
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM projects WHERE name = 'brand-new'")).ShouldBe(1);
    }
}
