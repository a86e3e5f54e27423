using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using Npgsql;
using Tollgate.Analytics;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Jobs;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Telemetry;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Api;
using Tollgate.Dashboard.Web.Components;
using Tollgate.Ingest.Api;
using Tollgate.Ingest.Api.Hosting;

namespace Tollgate.Dashboard.Web;

/// <summary>The dashboard: web UI and REST API, and by default the OTLP receiver and the jobs.</summary>
public static class DashboardApp
{
    /// <param name="args">Configuration arguments, as on the command line.</param>
    /// <param name="clock">The clock every part of the app reads "now" from; the system clock when null (a host that embeds the app may pin it).</param>
    /// <param name="cancellationToken">Cancels the start-up work (schema, bootstrap).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        // Named explicitly: when a test or another host starts the app in-process, the entry
        // assembly is not this one, and static assets are found by application name.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(DashboardApp).Assembly.GetName().Name });
        // Serves wwwroot from the build output's manifest when not published (no-op when published).
        builder.WebHost.UseStaticWebAssets();
        var options = TollgateHosting.LoadOptions(builder);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(TollgateHosting.ListenAddress(options), options.HttpPort, l => l.Protocols = HttpProtocols.Http1);
            if (options.Ingest.Embedded)
            {
                TollgateHosting.ListenForOtlp(kestrel, options);
            }
        });

        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        builder.Services.AddTollgateAnalytics(options);
        builder.Services.AddTollgateBudgets(options);
        if (options.Ingest.Embedded)
        {
            builder.Services.AddTollgateIngest(options);
        }

        builder.Services.AddTollgateJobs(options);
        builder.Services.AddTollgateSelfTelemetry(builder.Configuration, "tollgate-dashboard");
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Outcomes show at the bottom right: at the top right (MudBlazor's default) they covered the
        // page's own action buttons (New price, New budget) just after the action.
        builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        AddAccounts(builder.Services);
        builder.Services.AddDashboardPages();
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        var app = builder.Build();
        await app.BootstrapAsync(cancellationToken);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountBootstrapper>().RunAsync();
        }

        var proxies = TrustedProxies.Parse(options.TrustedProxies, []);
        if (!proxies.IsEmpty)
        {
            // Only these proxies' headers count; the defaults (loopback) are replaced by what is configured.
            // No limit on hops: the client is the nearest address, from the right, that is not a listed proxy.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = null };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in proxies.Addresses)
            {
                forwarded.KnownProxies.Add(address);
            }

            foreach (var network in proxies.Networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseExceptionHandler();
        if (options.Ingest.Embedded)
        {
            app.UseOtlpPortsForOtlpOnly(options);
        }

        app.UseSecurityHeaders();
        app.UseNulCharacterRefusal();
        app.UseCrossSiteWriteProtection();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapTollgateHealth();
        app.MapOpenApi();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapJobsDashboard();
        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiPolicies.Read);
        api.MapTracesApi();
        api.MapCoverageApi();
        api.MapPricesApi();
        api.MapRevenueApi();
        api.MapPatternsApi();
        api.MapKeysApi();
        api.MapProjectsApi();
        api.MapAttributionRulesApi();
        api.MapAnalyticsApi();
        api.MapJobsApi();
        api.MapInsightsApi();
        api.MapBudgetsApi();
        api.MapGovernanceApi();
        api.MapAuditApi();
        api.MapUsersApi();
        api.MapAnomaliesApi();
        // The layout's sign-out form carries an antiforgery token; a post without one signs nobody out.
        app.MapPost("/account/logout", async Task<IResult> (HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return TypedResults.Problem(statusCode: 400, title: "Sign-out refused", detail: "Sign out with the button on Tollgate's pages: this request carried no valid antiforgery token.");
            }

            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).DisableAntiforgery();
        if (options.Ingest.Embedded)
        {
            app.MapTollgateIngest(options);
        }

        return app;
    }

    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    private static void AddAccounts(IServiceCollection services)
    {
        services.AddDbContext<AccountsDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddScoped<UserAdministration>();
        services.AddSingleton<SignInThrottle>();
        services.AddIdentity<IdentityUser, IdentityRole>(o =>
            {
                // Length is what makes a password strong; composition rules mostly make it forgotten.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                // Guessing is slowed per client by SignInThrottle; accounts themselves are never locked.
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddEntityFrameworkStores<AccountsDbContext>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = AccountCookie.Name;
            // The API answers 401/403; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = c => Deny(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Deny(c, StatusCodes.Status403Forbidden);
            // Signing in on the login page follows its ReturnUrl: only a local path, in ASCII (a Location header cannot carry more).
            o.Events.OnRedirectToReturnUrl = c =>
            {
                c.Response.Redirect(ReturnUrls.LocalOrHome(c.RedirectUri));
                return Task.CompletedTask;
            };
        });
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(ApiPolicies.Add);
        services.AddCascadingAuthenticationState();
        // After the interactive components' registration, so that circuits use this provider.
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<AccountBootstrapper>();
    }
}
