namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>What a signed-in person may change: admins everything, leads and PMs their data, viewers nothing.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Lead = "lead";
    public const string Pm = "pm";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Lead, Pm, Viewer];
}
