using System.Security.Claims;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Api;

public sealed record UserInput(string? UserName, string? Password, string? Role, string? Email);

public sealed record RoleInput(string? Role);

/// <summary>Local logins and their roles, for admins; <see cref="UserAdministration"/> does the work.</summary>
public static class UsersEndpoints
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(ApiPolicies.Admin);
        users.MapGet("", ListAsync);
        users.MapPost("", CreateAsync);
        users.MapPut("/{name}/role", SetRoleAsync);
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

    private static IResult Problem(UserChange change, string title) => change.Outcome switch
    {
        UserChangeOutcome.Invalid => TypedResults.ValidationProblem(change.Problems, title: title),
        UserChangeOutcome.NotFound => TypedResults.Problem(statusCode: 404, title: "No such user", detail: Detail(change) + " List the users to find it."),
        UserChangeOutcome.Exists => TypedResults.Problem(statusCode: 409, title: "The user exists", detail: Detail(change)),
        _ => TypedResults.Problem(statusCode: 500, title: title, detail: Detail(change)),
    };

    private static string Detail(UserChange change) => string.Join(" ", change.Problems.Values.SelectMany(p => p));
}
