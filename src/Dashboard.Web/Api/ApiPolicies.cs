using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>Who may call the REST API: anyone signed in or holding an API key reads; admins change.</summary>
public static class ApiPolicies
{
    public const string Read = "api-read";
    public const string Admin = "api-admin";

    /// <summary>Revenue is the PMs' data as much as the admins'.</summary>
    public const string Revenue = "api-revenue";

    /// <summary>Hangfire's dashboard: signed-in admins and leads (read-only), through the sign-in page only.</summary>
    public const string JobsDashboard = "jobs-dashboard";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Read, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName, IdentityConstants.ApplicationScheme).RequireAuthenticatedUser());
        options.AddPolicy(Admin, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName, IdentityConstants.ApplicationScheme).RequireRole(Roles.Admin));
        options.AddPolicy(JobsDashboard, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(Roles.Admin, Roles.Lead));
        options.AddPolicy(Revenue, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName, IdentityConstants.ApplicationScheme).RequireRole(Roles.Admin, Roles.Pm));
    }
}
