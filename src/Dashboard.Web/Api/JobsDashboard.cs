using Hangfire;
using Hangfire.Dashboard;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// Hangfire's own dashboard under the admin area: every job's history, retries and schedules.
/// Admins operate it (trigger, retry, delete); leads see it read-only; anyone else is sent to
/// sign in or refused by <see cref="ApiPolicies.JobsDashboard"/> before Hangfire sees the request.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/admin/jobs";

    public static void MapJobsDashboard(this WebApplication app) =>
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            AppPath = "/",
            DashboardTitle = "Tollgate jobs",
            DisplayStorageConnectionString = false,
            // Hangfire's default lets only local requests in; the endpoint's policy has already
            // decided, and this says the same again inside Hangfire.
            Authorization = [new SignedInRole()],
            IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(Roles.Admin),
        }).RequireAuthorization(ApiPolicies.JobsDashboard);

    private sealed class SignedInRole : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var user = context.GetHttpContext().User;
            return user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Lead);
        }
    }
}
