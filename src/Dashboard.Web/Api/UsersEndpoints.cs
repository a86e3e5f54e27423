using System.Security.Claims;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Api;

public sealed record UserInput(string? UserName, string? Password, string? Role, string? Email);

public sealed record RoleInput(string? Role);

public sealed record DisabledInput(bool? Disabled);

/// <summary>Local logins and their roles, for admins; <see cref="UserAdministration"/> does the work.</summary>
public static class UsersEndpoints
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(ApiPolicies.Admin);
        users.MapGet("", ListAsync);
        users.MapPost("", CreateAsync);
        users.MapPut("/{name}/role", SetRoleAsync);
        users.MapPut("/{name}/disabled", SetDisabledAsync);
    }

    private static async Task<IResult> ListAsync(UserAdministration users, CancellationToken ct) =>
        TypedResults.Ok(await users.ListAsync(ct));

    private static async Task<IResult> CreateAsync(UserInput input, ClaimsPrincipal actor, UserAdministration users, CancellationToken ct)
    {
        var change = await users.CreateAsync(input.UserName, input.Password, input.Role, input.Email, KeysEndpoints.Actor(actor), ct);
        return change.Outcome == UserChangeOutcome.Changed
            ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(change.User!.UserName)}", change.User)
            : Problem(change, "The user cannot be created");
    }

    private static async Task<IResult> SetRoleAsync(string name, RoleInput input, ClaimsPrincipal actor, UserAdministration users, CancellationToken ct)
    {
        var change = await users.ChangeRoleAsync(name, input.Role, KeysEndpoints.Actor(actor), ct);
        return change.Succeeded ? TypedResults.Ok(change.User) : Problem(change, "The role cannot be changed");
    }

    /// <summary>Disables a login (it cannot sign in, its sessions end) or enables it again; as on the users page.</summary>
    private static async Task<IResult> SetDisabledAsync(string name, DisabledInput input, ClaimsPrincipal actor, UserAdministration users, CancellationToken ct)
    {
        if (input.Disabled is not { } disabled)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["disabled"] = ["Send {\"disabled\": true} to disable the login, or false to enable it."] },
                title: "The login cannot be changed");
        }

        var change = await users.SetDisabledAsync(name, disabled, KeysEndpoints.Actor(actor), ct);
        return change.Succeeded ? TypedResults.Ok(change.User) : Problem(change, disabled ? "The login cannot be disabled" : "The login cannot be enabled");
    }

    private static IResult Problem(UserChange change, string title) => change.Outcome switch
    {
        UserChangeOutcome.Invalid => TypedResults.ValidationProblem(change.Problems, title: title),
        UserChangeOutcome.NotFound => TypedResults.Problem(statusCode: 404, title: "No such user", detail: Detail(change) + " List the users to find it."),
        UserChangeOutcome.Exists => TypedResults.Problem(statusCode: 409, title: "The user exists", detail: Detail(change)),
        _ => TypedResults.Problem(statusCode: 500, title: title, detail: Detail(change)),
    };

    private static string Detail(UserChange change) => string.Join(" ", change.Problems.Values.SelectMany(p => p));
}
