using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Api;

namespace Tollgate.Dashboard.Web.Components.Pages.Admin;

/// <summary>The new-user form.</summary>
public sealed class NewUserInput
{
    [Required(ErrorMessage = "Give a user name.")]
    [StringLength(256, ErrorMessage = "A user name is at most {1} characters.")]
    public string? UserName { get; set; } = "";

    [Required(ErrorMessage = "Give a password of at least 12 characters.")]
    public string? Password { get; set; } = "";

    [Required(ErrorMessage = "Choose a role.")]
    public string? Role { get; set; } = Roles.Viewer;
}

/// <summary>
/// The outcome of a change: problems by the form's field names ("" for the form as a whole), empty
/// when it worked; after a password reset, the new password to show once.
/// </summary>
public sealed record UserChangeResult(IReadOnlyDictionary<string, string> Problems, UserInfo? User = null, string? NewPassword = null)
{
    public bool Succeeded => Problems.Count == 0;

    public static UserChangeResult Problem(string message) => new(new Dictionary<string, string> { [""] = message });
}

/// <summary>
/// The users page over <see cref="UserAdministration"/>, which the users API shares: the logins
/// with their roles, creating one, changing a role, disabling and enabling one, and resetting a
/// password (the last admin can neither step down nor be disabled). Who may do this is the users
/// API's policy.
/// </summary>
public sealed class UsersViewModel(UserAdministration administration, IAuthorizationService authorization)
{
    /// <summary>The policy of the users API, and so of the page.</summary>
    public const string ChangePolicy = ApiPolicies.Admin;

    public IReadOnlyList<UserInfo> Users { get; private set; } = [];

    public async Task<bool> MayManageUsersAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, ChangePolicy)).Succeeded;

    /// <summary>Whether the login's name, email or role holds <paramref name="search"/> (any case).</summary>
    public static bool Matches(UserInfo user, string? search)
    {
        ArgumentNullException.ThrowIfNull(user);
        return string.IsNullOrWhiteSpace(search)
            || new[] { user.UserName, user.Email ?? "", user.Role ?? "none" }.Any(text => text.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    public async Task LoadAsync(CancellationToken cancellationToken = default) =>
        Users = await administration.ListAsync(cancellationToken);

    public async Task<UserChangeResult> CreateAsync(NewUserInput input, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!await MayManageUsersAsync(actor))
        {
            return UserChangeResult.Problem("Only admins may create users.");
        }

        return ForForm(await administration.CreateAsync(input.UserName, input.Password, input.Role, email: null, Actor(actor), cancellationToken));
    }

    public async Task<UserChangeResult> ChangeRoleAsync(string userName, string? role, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        if (!await MayManageUsersAsync(actor))
        {
            return UserChangeResult.Problem("Only admins may change roles.");
        }

        return ForForm(await administration.ChangeRoleAsync(userName, role, Actor(actor), cancellationToken));
    }

    /// <summary>Disables the login (it can no longer sign in) or enables it again.</summary>
    public async Task<UserChangeResult> SetDisabledAsync(string userName, bool disabled, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        if (!await MayManageUsersAsync(actor))
        {
            return UserChangeResult.Problem(disabled ? "Only admins may disable users." : "Only admins may enable users.");
        }

        return ForForm(await administration.SetDisabledAsync(userName, disabled, Actor(actor), cancellationToken));
    }

    /// <summary>Gives the login a new random password, in the result once.</summary>
    public async Task<UserChangeResult> ResetPasswordAsync(string userName, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        if (!await MayManageUsersAsync(actor))
        {
            return UserChangeResult.Problem("Only admins may reset passwords.");
        }

        return ForForm(await administration.ResetPasswordAsync(userName, Actor(actor), cancellationToken));
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    // The service names fields as the API does (userName); the form's fields are the input's properties (UserName).
    private static UserChangeResult ForForm(UserChange change) => change.Succeeded
        ? new UserChangeResult(new Dictionary<string, string>(), change.User, change.NewPassword)
        : new UserChangeResult(change.Problems.ToDictionary(p => p.Key.Length == 0 ? "" : char.ToUpperInvariant(p.Key[0]) + p.Key[1..], p => string.Join(" ", p.Value)));
}
