using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Tollgate.Dashboard.Web.Accounts;

namespace Tollgate.Dashboard.Web.Components.Pages.Admin;

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
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Choose a role.")]
    public string Role { get; set; } = "";
}

/// <summary>The outcome of a change: problems by the form's field names (empty when it worked).</summary>
public sealed record UserChangeResult(IReadOnlyDictionary<string, string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>The users page over <see cref="UserAdministration"/>, which the users API shares.</summary>
public sealed class UsersViewModel(UserAdministration administration)
{
    public IReadOnlyList<UserInfo> Users { get; private set; } = [];

    public static bool MayManageUsers(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public async Task LoadAsync(CancellationToken cancellationToken = default) =>
        Users = await administration.ListAsync(cancellationToken);

    public async Task<UserChangeResult> CreateAsync(NewUserInput input, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!MayManageUsers(actor))
        {
            return new UserChangeResult(new Dictionary<string, string> { [""] = "Only admins may create users." });
        }

        return ForForm(await administration.CreateAsync(input.UserName, input.Password, input.Role, email: null, Actor(actor), cancellationToken));
    }

    public async Task<UserChangeResult> ChangeRoleAsync(RoleChangeInput input, ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!MayManageUsers(actor))
        {
            return new UserChangeResult(new Dictionary<string, string> { [""] = "Only admins may change roles." });
        }

        return ForForm(await administration.ChangeRoleAsync(input.UserName, input.Role, Actor(actor), cancellationToken));
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    // The service names fields as the API does (userName); the form's fields are the input's properties (UserName).
    private static UserChangeResult ForForm(UserChange change) => new(change.Succeeded
        ? new Dictionary<string, string>()
        : change.Problems.ToDictionary(p => p.Key.Length == 0 ? "" : char.ToUpperInvariant(p.Key[0]) + p.Key[1..], p => string.Join(" ", p.Value)));
}
