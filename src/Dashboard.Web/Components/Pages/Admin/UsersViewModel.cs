using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Tollgate.Analytics.Audit;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Components.Pages.Admin;

/// <summary>A login as the users page lists it.</summary>
public sealed record UserRow(string Id, string UserName, string Role);

/// <summary>The new-user form.</summary>
public sealed class NewUserInput
{
    [Required(ErrorMessage = "Give a user name.")]
    [StringLength(256, ErrorMessage = "A user name is at most {1} characters.")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Give a password of at least 12 characters.")]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Choose a role.")]
    public string Role { get; set; } = Roles.Viewer;
}

/// <summary>The change-role form of one user's row.</summary>
public sealed class RoleChangeInput
{
    [Required]
    public string UserId { get; set; } = "";

    [Required(ErrorMessage = "Choose a role.")]
    public string Role { get; set; } = "";
}

/// <summary>The outcome of a change: problems by field name (empty when it worked).</summary>
public sealed record UserChangeResult(IReadOnlyDictionary<string, string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Lists logins with their roles, creates logins and changes roles (admins only). Each change and
/// its audit entry commit together, in one transaction on the accounts context's connection.
/// </summary>
public sealed class UsersViewModel(UserManager<IdentityUser> users, AccountsDbContext accounts)
{
    /// <summary>The page lists at most this many logins (a dashboard has tens).</summary>
    public const int MaxListedUsers = 1_000;

    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public static bool MayManageUsers(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var rows = await (
            from u in accounts.Users.AsNoTracking()
            join ur in accounts.UserRoles on u.Id equals ur.UserId into userRoles
            from ur in userRoles.DefaultIfEmpty()
            join r in accounts.Roles on ur.RoleId equals r.Id into roles
            from r in roles.DefaultIfEmpty()
            orderby u.UserName
            select new { u.Id, u.UserName, Role = r == null ? null : r.Name })
            .Take(MaxListedUsers * Roles.All.Count)
            .ToListAsync(cancellationToken);
        Users = rows.GroupBy(r => (r.Id, r.UserName))
            .Select(g => new UserRow(g.Key.Id, g.Key.UserName ?? "", Roles.All.FirstOrDefault(role => g.Any(x => x.Role == role)) ?? Roles.Viewer))
            .Take(MaxListedUsers)
            .ToList();
    }

    public async Task<UserChangeResult> CreateAsync(NewUserInput input, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!MayManageUsers(actor))
        {
            return Problem("", "Only admins may create users.");
        }

        if (!Roles.All.Contains(input.Role))
        {
            return Problem(nameof(NewUserInput.Role), $"Choose one of {string.Join(", ", Roles.All)}.");
        }

        await using var transaction = await accounts.Database.BeginTransactionAsync(cancellationToken);
        var user = new IdentityUser(input.UserName.Trim());
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded)
        {
            return FromIdentity(created);
        }

        var added = await users.AddToRoleAsync(user, input.Role);
        if (!added.Succeeded)
        {
            return FromIdentity(added);
        }

        await AuditAsync(transaction, actor, "users.add", user.UserName!, null, new { userName = user.UserName, role = input.Role }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UserChangeResult(new Dictionary<string, string>());
    }

    public async Task<UserChangeResult> ChangeRoleAsync(RoleChangeInput input, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!MayManageUsers(actor))
        {
            return Problem("", "Only admins may change roles.");
        }

        if (!Roles.All.Contains(input.Role))
        {
            return Problem(nameof(RoleChangeInput.Role), $"Choose one of {string.Join(", ", Roles.All)}.");
        }

        if (await users.FindByIdAsync(input.UserId) is not { } user)
        {
            return Problem("", "That user no longer exists.");
        }

        var before = await users.GetRolesAsync(user);
        if (before.Count == 1 && before[0] == input.Role)
        {
            return new UserChangeResult(new Dictionary<string, string>());
        }

        // The last admin cannot step down: nobody could manage users any more.
        if (before.Contains(Roles.Admin) && input.Role != Roles.Admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
        {
            return Problem(nameof(RoleChangeInput.Role), "This is the only admin; make someone else admin first.");
        }

        await using var transaction = await accounts.Database.BeginTransactionAsync(cancellationToken);
        var removed = await users.RemoveFromRolesAsync(user, before);
        var added = removed.Succeeded ? await users.AddToRoleAsync(user, input.Role) : removed;
        if (!added.Succeeded)
        {
            return FromIdentity(added);
        }

        // A new security stamp makes the user's other sessions pick up the new role when they are next validated.
        await users.UpdateSecurityStampAsync(user);
        await AuditAsync(transaction, actor, "users.role", user.UserName!,
            new { userName = user.UserName, roles = before }, new { userName = user.UserName, roles = new[] { input.Role } }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UserChangeResult(new Dictionary<string, string>());
    }

    // The subject names the user as the users API does (users/{userName}), so the audit log
    // shows one subject per user whichever way the change was made.
    private async Task AuditAsync(IDbContextTransaction transaction, ClaimsPrincipal actor, string action, string userName, object? before, object? after, CancellationToken cancellationToken) =>
        await AuditLog.WriteAsync(
            (NpgsqlConnection)accounts.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(),
            actor.Identity?.Name ?? "unknown", action, "users/" + userName, before, after, cancellationToken);

    private static UserChangeResult Problem(string field, string message) => new(new Dictionary<string, string> { [field] = message });

    // Identity's error codes say which field is wrong.
    private static UserChangeResult FromIdentity(IdentityResult result)
    {
        var problems = new Dictionary<string, string>();
        foreach (var error in result.Errors)
        {
            var field = error.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(NewUserInput.Password)
                : error.Code.Contains("UserName", StringComparison.Ordinal) ? nameof(NewUserInput.UserName)
                : "";
            problems[field] = problems.TryGetValue(field, out var existing) ? existing + " " + error.Description : error.Description;
        }

        return new UserChangeResult(problems);
    }
}
