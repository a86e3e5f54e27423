using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Tollgate.Analytics.Audit;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>A login as lists and audit entries show it: never the password or its hash. A disabled login cannot sign in.</summary>
public sealed record UserInfo(string UserName, string? Email, string? Role, bool Disabled = false);

public enum UserChangeOutcome
{
    Changed,
    Unchanged,
    Invalid,
    NotFound,
    Exists,
    Failed,
}

/// <summary>
/// What a change did, with the user as it is now, or the problems by field name
/// (<c>userName</c>, <c>password</c>, <c>role</c>, or empty for the request as a whole). A password
/// reset carries the new password, to be shown once to the admin who asked and never stored.
/// </summary>
public sealed record UserChange(UserChangeOutcome Outcome, UserInfo? User, IReadOnlyDictionary<string, string[]> Problems, string? NewPassword = null)
{
    public bool Succeeded => Outcome is UserChangeOutcome.Changed or UserChangeOutcome.Unchanged;

    internal static UserChange Done(UserChangeOutcome outcome, UserInfo user) => new(outcome, user, new Dictionary<string, string[]>());

    internal static UserChange Problem(UserChangeOutcome outcome, string field, string message) =>
        new(outcome, null, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// Lists local logins, creates them and changes their roles, for the users API and the users page
/// alike. Each change and its audit entry (subject <c>users/{userName}</c>) commit together.
/// </summary>
public sealed class UserAdministration(UserManager<IdentityUser> users, AccountsDbContext accounts)
{
    /// <summary>A team's dashboard has tens of logins; lists stop here.</summary>
    public const int MaxUsers = 1_000;

    /// <summary>Generated passwords: 20 characters from 57 unambiguous ones, about 116 bits.</summary>
    private const int GeneratedPasswordLength = 20;

    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private static readonly string RoleProblem = $"Choose the role, one of {string.Join(", ", Roles.All)}.";

    /// <summary>Logins by name, each with its most powerful role (null for a login without one).</summary>
    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await (
            from u in accounts.Users.AsNoTracking()
            join ur in accounts.UserRoles on u.Id equals ur.UserId into userRoles
            from ur in userRoles.DefaultIfEmpty()
            join r in accounts.Roles on ur.RoleId equals r.Id into roles
            from r in roles.DefaultIfEmpty()
            orderby u.UserName
            select new { u.Id, u.UserName, u.Email, u.LockoutEnabled, u.LockoutEnd, Role = r == null ? null : r.Name })
            .Take(MaxUsers * Roles.All.Count)
            .ToListAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        return rows.GroupBy(r => r.Id)
            .Select(g => new UserInfo(g.First().UserName ?? "", g.First().Email, Roles.All.FirstOrDefault(role => g.Any(x => x.Role == role)),
                g.First().LockoutEnabled && g.First().LockoutEnd > now))
            .Take(MaxUsers)
            .ToList();
    }

    public async Task<UserChange> CreateAsync(string? userName, string? password, string? role, string? email, string actor, CancellationToken cancellationToken = default)
    {
        var problems = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(userName) || userName.Trim().Length > 256)
        {
            problems["userName"] = ["Give the user name, 1 to 256 characters."];
        }

        if (string.IsNullOrEmpty(password))
        {
            problems["password"] = ["Give a password of at least 12 characters."];
        }

        if (role is null || !Roles.All.Contains(role))
        {
            problems["role"] = [RoleProblem];
        }

        if (problems.Count > 0)
        {
            return new UserChange(UserChangeOutcome.Invalid, null, problems);
        }

        var name = userName!.Trim();
        await using var transaction = await accounts.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByNameAsync(name) is not null)
        {
            return UserChange.Problem(UserChangeOutcome.Exists, "userName", $"A user named {name} exists; change its role instead.");
        }

        var user = new IdentityUser(name) { Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim() };
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded)
        {
            return FromIdentity(created);
        }

        var added = await users.AddToRoleAsync(user, role!);
        if (!added.Succeeded)
        {
            return FromIdentity(added);
        }

        var info = new UserInfo(name, user.Email, role);
        await AuditAsync(transaction, actor, "users.add", null, info, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return UserChange.Done(UserChangeOutcome.Changed, info);
    }

    /// <summary>
    /// Gives the user this one role. The last admin cannot step down, or nobody could manage users
    /// any more. Role changes take one lock in turn, so two admins demoting each other at once
    /// cannot both succeed.
    /// </summary>
    public async Task<UserChange> ChangeRoleAsync(string userName, string? role, string actor, CancellationToken cancellationToken = default)
    {
        if (role is null || !Roles.All.Contains(role))
        {
            return UserChange.Problem(UserChangeOutcome.Invalid, "role", RoleProblem);
        }

        await using var transaction = await accounts.Database.BeginTransactionAsync(cancellationToken);
        await accounts.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('tollgate.user-roles'))", cancellationToken);
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            return UserChange.Problem(UserChangeOutcome.NotFound, "", $"No user is named {userName}.");
        }

        var current = await users.GetRolesAsync(user);
        var before = new UserInfo(user.UserName!, user.Email, Roles.All.FirstOrDefault(current.Contains));
        if (current.Count == 1 && current[0] == role)
        {
            return UserChange.Done(UserChangeOutcome.Unchanged, before);
        }

        if (current.Contains(Roles.Admin) && role != Roles.Admin && await EnabledAdminsAsync() <= 1)
        {
            return UserChange.Problem(UserChangeOutcome.Invalid, "role", $"{user.UserName} is the only admin; make someone else admin first.");
        }

        var removed = await users.RemoveFromRolesAsync(user, current);
        var added = removed.Succeeded ? await users.AddToRoleAsync(user, role) : removed;
        if (!added.Succeeded)
        {
            return FromIdentity(added);
        }

        // A new security stamp makes the user's other sessions pick up the new role when they are next validated.
        await users.UpdateSecurityStampAsync(user);
        var after = before with { Role = role };
        await AuditAsync(transaction, actor, "users.role", before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return UserChange.Done(UserChangeOutcome.Changed, after);
    }

    /// <summary>
    /// Disables or enables a login. A disabled login cannot sign in and its open sessions end when
    /// they are next validated. Admins cannot disable themselves, nor the last enabled admin: someone
    /// must still be able to manage users. Takes the role changes' lock, for the same reason.
    /// </summary>
    public async Task<UserChange> SetDisabledAsync(string userName, bool disabled, string actor, CancellationToken cancellationToken = default)
    {
        await using var transaction = await accounts.Database.BeginTransactionAsync(cancellationToken);
        await accounts.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('tollgate.user-roles'))", cancellationToken);
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            return UserChange.Problem(UserChangeOutcome.NotFound, "", $"No user is named {userName}.");
        }

        var roles = await users.GetRolesAsync(user);
        var before = new UserInfo(user.UserName!, user.Email, Roles.All.FirstOrDefault(roles.Contains), await users.IsLockedOutAsync(user));
        if (before.Disabled == disabled)
        {
            return UserChange.Done(UserChangeOutcome.Unchanged, before);
        }

        if (disabled && string.Equals(user.UserName, actor, StringComparison.Ordinal))
        {
            return UserChange.Problem(UserChangeOutcome.Invalid, "", "You cannot disable your own login; ask another admin.");
        }

        if (disabled && roles.Contains(Roles.Admin) && await EnabledAdminsAsync() <= 1)
        {
            return UserChange.Problem(UserChangeOutcome.Invalid, "", $"{user.UserName} is the only admin; make someone else admin first.");
        }

        // Lockout is off for new logins (failed guesses never lock anyone out); a disabled login is locked out for good.
        // Identity sets an end date only while lockout is on: switched on before, and off after.
        var changed = disabled ? await users.SetLockoutEnabledAsync(user, true) : IdentityResult.Success;
        changed = changed.Succeeded ? await users.SetLockoutEndDateAsync(user, disabled ? DateTimeOffset.MaxValue : null) : changed;
        changed = changed.Succeeded && !disabled ? await users.SetLockoutEnabledAsync(user, false) : changed;
        changed = changed.Succeeded ? await users.UpdateSecurityStampAsync(user) : changed;
        if (!changed.Succeeded)
        {
            return FromIdentity(changed);
        }

        var after = before with { Disabled = disabled };
        await AuditAsync(transaction, actor, disabled ? "users.disable" : "users.enable", before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return UserChange.Done(UserChangeOutcome.Changed, after);
    }

    /// <summary>
    /// Gives the login a new random password, returned once in <see cref="UserChange.NewPassword"/>
    /// for the admin to hand over; the user's open sessions end when they are next validated.
    /// </summary>
    public async Task<UserChange> ResetPasswordAsync(string userName, string actor, CancellationToken cancellationToken = default)
    {
        await using var transaction = await accounts.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            return UserChange.Problem(UserChangeOutcome.NotFound, "", $"No user is named {userName}.");
        }

        var password = RandomNumberGenerator.GetString(PasswordAlphabet, GeneratedPasswordLength);
        var removed = await users.RemovePasswordAsync(user);
        var added = removed.Succeeded ? await users.AddPasswordAsync(user, password) : removed;
        if (!added.Succeeded)
        {
            return FromIdentity(added);
        }

        var info = new UserInfo(user.UserName!, user.Email, Roles.All.FirstOrDefault((await users.GetRolesAsync(user)).Contains), await users.IsLockedOutAsync(user));
        await AuditAsync(transaction, actor, "users.password", null, info, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UserChange(UserChangeOutcome.Changed, info, new Dictionary<string, string[]>(), password);
    }

    private async Task<int> EnabledAdminsAsync()
    {
        var count = 0;
        foreach (var admin in await users.GetUsersInRoleAsync(Roles.Admin))
        {
            if (!await users.IsLockedOutAsync(admin))
            {
                count++;
            }
        }

        return count;
    }

    private async Task AuditAsync(IDbContextTransaction transaction, string actor, string action, UserInfo? before, UserInfo? after, CancellationToken cancellationToken) =>
        await AuditLog.WriteAsync(
            (NpgsqlConnection)accounts.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(),
            actor, action, "users/" + (after ?? before)!.UserName, before, after, cancellationToken);

    // Identity's error codes say which field is wrong; anything else is the store failing.
    private static UserChange FromIdentity(IdentityResult result)
    {
        var problems = result.Errors
            .GroupBy(error => error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password"
                : error.Code.Contains("UserName", StringComparison.Ordinal) ? "userName"
                : "")
            .ToDictionary(g => g.Key, g => g.Select(error => error.Description).ToArray());
        var outcome = problems.ContainsKey("") ? UserChangeOutcome.Failed : UserChangeOutcome.Invalid;
        return new UserChange(outcome, null, problems);
    }
}
