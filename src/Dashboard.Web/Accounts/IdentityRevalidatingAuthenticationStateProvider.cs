using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>
/// A circuit keeps the user it opened with; this checks that user against the account store every
/// <see cref="Interval"/>, so that a deleted or locked-out login, a new security stamp (a changed
/// password) or a changed role takes effect in open tabs, not only at the next page load.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>A removed permission lasts at most this long in an open tab; each check is one small query.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        return await IsStillValidAsync(users, identity.Value, authenticationState.User);
    }

    /// <summary>Whether the account behind <paramref name="principal"/> still exists, may sign in, and holds the same roles.</summary>
    public static async Task<bool> IsStillValidAsync(UserManager<IdentityUser> users, IdentityOptions options, ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        var user = await users.GetUserAsync(principal);
        if (user is null || (users.SupportsUserLockout && await users.IsLockedOutAsync(user)))
        {
            return false;
        }

        if (users.SupportsUserSecurityStamp
            && principal.FindFirstValue(options.ClaimsIdentity.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
        {
            return false;
        }

        var held = principal.FindAll(options.ClaimsIdentity.RoleClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var current = await users.GetRolesAsync(user);
        return held.SetEquals(current);
    }
}
