using System.Security.Claims;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>What a signed-in person may change: admins everything, leads and PMs their data, viewers nothing.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Lead = "lead";
    public const string Pm = "pm";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Lead, Pm, Viewer];

    /// <summary>The most powerful role the user holds (a user normally holds one), or "viewer".</summary>
    public static string Of(ClaimsPrincipal user) => All.FirstOrDefault(user.IsInRole) ?? Viewer;

    /// <summary>Admins and leads wire teams' exporters in, so they may create ingest keys.</summary>
    public static bool MayCreateIngestKeys(ClaimsPrincipal user) => user.IsInRole(Admin) || user.IsInRole(Lead);
}
