using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Tollgate.Analytics.Audit;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Api;

public sealed record UserInput(string? UserName, string? Password, string? Role, string? Email);

public sealed record RoleInput(string? Role);

/// <summary>A login as lists and audit entries show it: never the password or its hash.</summary>
public sealed record UserInfo(string UserName, string? Email, string? Role);

/// <summary>Local logins and their roles, for admins. Each change is audited in its own transaction.</summary>
public static class UsersEndpoints
{
    /// <summary>A team's dashboard has tens of logins; the list stops here.</summary>
    public const int MaxUsers = 1000;

    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(ApiPolicies.Admin);
        users.MapGet("", ListAsync);
        users.MapPost("", CreateAsync);
        users.MapPut("/{name}/role", SetRoleAsync);
    }

    private static async Task<IResult> ListAsync(AccountsDbContext db, CancellationToken ct)
    {
        var rows = await db.Users.OrderBy(u => u.UserName).Take(MaxUsers)
            .Select(u => new
            {
                u.UserName,
                u.Email,
                Role = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new UserInfo(r.UserName!, r.Email, r.Role)));
    }

    private static async Task<IResult> CreateAsync(UserInput input, ClaimsPrincipal actor, UserManager<IdentityUser> users, AccountsDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.UserName) || input.UserName.Trim().Length > 256)
        {
            errors["userName"] = ["Give the login name, 1 to 256 characters."];
        }

        if (input.Role is null || !Roles.All.Contains(input.Role))
        {
            errors["role"] = [$"Give the role, one of {string.Join(", ", Roles.All)}."];
        }

        if (string.IsNullOrEmpty(input.Password))
        {
            errors["password"] = ["Give a password of at least 12 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The user cannot be created");
        }

        var userName = input.UserName!.Trim();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await users.FindByNameAsync(userName) is not null)
        {
            return TypedResults.Problem(statusCode: 409, title: "The user exists", detail: $"A login named {userName} exists; change its role with PUT /api/v1/users/{userName}/role.");
        }

        var user = new IdentityUser(userName) { Email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim() };
        var created = await users.CreateAsync(user, input.Password!);
        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = created.Errors.Select(e => e.Description).ToArray() },
                title: "The user cannot be created");
        }

        var added = await users.AddToRoleAsync(user, input.Role!);
        if (!added.Succeeded)
        {
            return TypedResults.Problem(statusCode: 500, title: "The role could not be given", detail: string.Join(" ", added.Errors.Select(e => e.Description)));
        }

        var info = new UserInfo(userName, user.Email, input.Role);
        await AuditAsync(db, transaction, actor, "users.add", userName, null, info, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(userName)}", info);
    }

    private static async Task<IResult> SetRoleAsync(string name, RoleInput input, ClaimsPrincipal actor, UserManager<IdentityUser> users, AccountsDbContext db, CancellationToken ct)
    {
        if (input.Role is null || !Roles.All.Contains(input.Role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"Give the role, one of {string.Join(", ", Roles.All)}."] },
                title: "The role cannot be changed");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await users.FindByNameAsync(name) is not { } user)
        {
            return TypedResults.Problem(statusCode: 404, title: "No such user", detail: $"No login is named {name}; list the users to find it.");
        }

        var current = await users.GetRolesAsync(user);
        var before = new UserInfo(user.UserName!, user.Email, current.FirstOrDefault());
        if (current.Count == 1 && current[0] == input.Role)
        {
            return TypedResults.Ok(before);
        }

        var removed = await users.RemoveFromRolesAsync(user, current);
        var added = removed.Succeeded ? await users.AddToRoleAsync(user, input.Role) : removed;
        if (!added.Succeeded)
        {
            return TypedResults.Problem(statusCode: 500, title: "The role could not be changed", detail: string.Join(" ", added.Errors.Select(e => e.Description)));
        }

        var after = before with { Role = input.Role };
        await AuditAsync(db, transaction, actor, "users.role", user.UserName!, before, after, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(after);
    }

    private static Task AuditAsync(
        AccountsDbContext db, IDbContextTransaction transaction, ClaimsPrincipal actor, string action, string userName, object? before, object? after, CancellationToken ct) =>
        AuditLog.WriteAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(),
            KeysEndpoints.Actor(actor), action, $"users/{userName}", before, after, ct);
}
