using Microsoft.AspNetCore.Identity;
using Tollgate.Analytics.Configuration;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>Creates the roles and, when configured, the bootstrap admin login.</summary>
public sealed class AccountBootstrapper(
    RoleManager<IdentityRole> roles,
    UserManager<IdentityUser> users,
    TollgateOptions options,
    ILogger<AccountBootstrapper> logger)
{
    public async Task RunAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
            }
        }

        if (options.BootstrapAdminUser is not { } userName || options.BootstrapAdminPassword is not { } password)
        {
            return;
        }

        if (await users.FindByNameAsync(userName) is not null)
        {
            return;
        }

        var user = new IdentityUser(userName);
        Check(await users.CreateAsync(user, password), "Tollgate:BootstrapAdminUser");
        Check(await users.AddToRoleAsync(user, Roles.Admin), "Tollgate:BootstrapAdminUser");
        logger.LogInformation("Created bootstrap admin login {User} from configuration", userName);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new TollgateConfigurationException(
                [$"{what} could not be created: {string.Join(" ", result.Errors.Select(e => e.Description))}"]);
        }
    }
}
