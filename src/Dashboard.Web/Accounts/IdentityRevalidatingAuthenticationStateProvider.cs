using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tollgate.Analytics.Storage;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>
/// A circuit keeps the user it opened with; this checks that user against the account store every
/// <see cref="Interval"/>, so that a deleted or locked-out login, a new security stamp (a changed
/// password) or a changed role takes effect in open tabs, not only at the next page load. A check
/// that cannot be made decides nothing: ASP.NET Core signs a tab out when the check throws, so a
/// database outage would sign out every open tab, and so would the app stopping.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<IdentityRevalidatingAuthenticationStateProvider>();

    /// <summary>A removed permission lasts at most this long in an open tab; each check is one small query.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        RevalidateAsync(authenticationState.User);

    /// <summary>
    /// False when the account no longer holds what the tab was opened with; true when it does, and
    /// when the check cannot be made (the database is unreachable, or the app is stopping): the
    /// next check, a minute later, decides.
    /// </summary>
    internal async Task<bool> RevalidateAsync(ClaimsPrincipal user)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            return await IsStillValidAsync(users, identity.Value, user);
        }
        catch (ObjectDisposedException)
        {
            // The app's services are gone: it is stopping, and the tab's circuit with it.
            return true;
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            _logger.LogWarning(e, "Could not check the signed-in user {User} against the accounts: the database is unreachable. The tab keeps its user until a check succeeds.", user.Identity?.Name);
            return true;
        }
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
