using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tollgate.Analytics.Storage;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Accounts;

/// <summary>
/// An open tab's user is checked against the accounts every minute; a check that cannot be made
/// must not sign the tab out (ASP.NET Core signs out when the check throws).
/// </summary>
public class RevalidationTests
{
    private static ClaimsPrincipal SignedIn() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new Claim(ClaimTypes.Name, "lead")], "test"));

    private static ServiceProvider Accounts(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<AccountsDbContext>(o => o.UseNpgsql(connectionString));
        services.AddIdentityCore<IdentityUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<AccountsDbContext>();
        return services.BuildServiceProvider();
    }

    private static IdentityRevalidatingAuthenticationStateProvider Revalidation(ServiceProvider accounts) =>
        new(NullLoggerFactory.Instance, accounts.GetRequiredService<IServiceScopeFactory>(), Options.Create(new IdentityOptions()));

    [Fact]
    public async Task A_user_whose_account_is_gone_is_signed_out_of_open_tabs()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var dataSource = database.CreateDataSource())
        {
            await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        }
        await using var accounts = Accounts(database.ConnectionString);

        (await Revalidation(accounts).RevalidateAsync(SignedIn())).ShouldBeFalse();
    }

    [Fact]
    public async Task An_unreachable_database_keeps_the_tabs_user_until_a_check_succeeds()
    {
        // Nothing listens on port 1 of this machine: every query fails to connect.
        await using var accounts = Accounts("Host=127.0.0.1;Port=1;Username=tollgate;Timeout=5");

        (await Revalidation(accounts).RevalidateAsync(SignedIn())).ShouldBeTrue();
    }

    [Fact]
    public async Task A_check_after_the_app_has_stopped_keeps_the_tabs_user()
    {
        var accounts = Accounts("Host=127.0.0.1;Port=1;Username=tollgate;Timeout=5");
        var revalidation = Revalidation(accounts);
        await accounts.DisposeAsync();

        (await revalidation.RevalidateAsync(SignedIn())).ShouldBeTrue();
    }
}
