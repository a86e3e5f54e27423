using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Admin;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The users page over a circuit: the logins with their roles, creating one, and changing a role.</summary>
public sealed class UsersPageTests : PageTestContext
{
    [Fact]
    public async Task A_user_name_and_email_with_markup_render_as_text_in_the_grid_the_button_and_the_role_dialog()
    {
        var app = await StartAsync();
        await CreateAsync(app, "mallory", Roles.Viewer, email: "<b>mal</b>@example.com");
        // Identity refuses such names today; a name stored by other means must still never run.
        await app.Database.ExecuteAsync($"UPDATE users SET user_name = '{Hostile}' WHERE user_name = 'mallory'");

        var page = await RenderUsersAsync(app);

        page.FindAll("script, b").ShouldBeEmpty();
        Names(page).ShouldContain(Hostile);
        Cells(page, Hostile).ShouldBe([Hostile, "<b>mal</b>@example.com", "viewer", "active", "Change role"]);
        Button(page, $"Change the role of {Hostile}").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"Change the role of {Hostile}"));
        Dialogs.Find(".mud-dialog-content").TextContent.ShouldContain($"{Hostile} is viewer now.");
        Dialogs.FindAll("script").ShouldBeEmpty();
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
        await page.InvokeAsync(() => Button(page, $"Disable {Hostile}").Click());
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe($"Disable {Hostile}?"));
        Dialogs.FindAll("script").ShouldBeEmpty();
    }

    [Fact]
    public async Task Users_are_listed_with_their_roles_searched_and_sorted_either_way()
    {
        var app = await StartAsync();
        await CreateAsync(app, "zoe", Roles.Pm);
        await CreateAsync(app, "bob", Roles.Viewer);

        var page = await RenderUsersAsync(app);

        Names(page).ShouldBe(["admin", "bob", "zoe"]);
        Row(page, "zoe").QuerySelector("[data-field=role]")!.TextContent.ShouldBe("pm");
        SortBy(page, "User");
        page.WaitForAssertion(() => Names(page).ShouldBe(["admin", "bob", "zoe"]));
        SortBy(page, "User");
        page.WaitForAssertion(() => Names(page).ShouldBe(["zoe", "bob", "admin"]));
        await page.InvokeAsync(() => page.Find("input[data-testid=user-search]").Input("PM"));
        page.WaitForAssertion(() => Names(page).ShouldBe(["zoe"]));
        await page.InvokeAsync(() => page.Find("input[data-testid=user-search]").Input("nobody"));
        page.WaitForAssertion(() => page.Find("[data-testid=no-match]").TextContent.ShouldBe("No user matches the search or filters."));
    }

    [Fact]
    public async Task A_user_form_with_mistakes_shows_each_problem_under_its_field_and_a_corrected_one_creates_the_user_with_an_audit_entry()
    {
        var app = await StartAsync();
        var page = await RenderUsersAsync(app);

        page.Find("button[data-testid=create-user]").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Create a user"));
        Dialogs.Find("#u-password").GetAttribute("type").ShouldBe("password");
        Dialogs.Find("#u-name").Change("pat");
        Dialogs.Find("#u-password").Change("short");
        Dialogs.Find("button[data-testid=save-user]").Click();
        Dialogs.WaitForAssertion(() => ProblemUnder("u-password").ShouldContain("12"));
        ProblemUnder("u-name").ShouldBe("");
        ProblemUnder("u-role").ShouldBe("");

        Dialogs.Find("#u-name").Change("");
        Dialogs.Find("#u-password").Change("");
        Dialogs.Find("button[data-testid=save-user]").Click();
        Dialogs.WaitForAssertion(() => ProblemUnder("u-name").ShouldBe("Give the user name, 1 to 256 characters."));
        ProblemUnder("u-password").ShouldBe("Give a password of at least 12 characters.");

        Dialogs.Find("#u-name").Change("admin");
        Dialogs.Find("#u-password").Change("long-enough-password");
        Dialogs.Find("button[data-testid=save-user]").Click();
        Dialogs.WaitForAssertion(() => ProblemUnder("u-name").ShouldBe("A user named admin exists; change its role instead."));
        foreach (var input in Dialogs.FindAll("input:not([type=hidden]):not([readonly])"))
        {
            Dialogs.FindAll($"label[for='{input.Id}']").ShouldNotBeEmpty($"{input.Id} has no label");
        }

        Dialogs.Find("#u-name").Change(" pat ");
        await ChooseAsync("Role", Roles.Pm);
        Dialogs.Find("button[data-testid=save-user]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Created pat as pm."));
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".user-dialog").ShouldBeEmpty());
        page.WaitForAssertion(() => Row(page, "pat").QuerySelector("[data-field=role]")!.TextContent.ShouldBe("pm"));
        (await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'users.add' AND subject = 'users/pat' AND after->>'role' = 'pm' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task Changing_a_role_is_confirmed_in_its_dialog_cancelling_keeps_it_and_the_change_is_audited()
    {
        var app = await StartAsync();
        await CreateAsync(app, "pat", Roles.Pm);
        var page = await RenderUsersAsync(app);

        Button(page, "Change the role of pat").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find("button[data-testid=save-role]").HasAttribute("disabled").ShouldBeTrue());
        await ChooseAsync("New role", Roles.Lead);
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
        Row(page, "pat").QuerySelector("[data-field=role]")!.TextContent.ShouldBe("pm");

        Button(page, "Change the role of pat").Click();
        Dialogs.WaitForElement(".role-dialog");
        await ChooseAsync("New role", Roles.Lead);
        Dialogs.WaitForAssertion(() => Dialogs.Find("button[data-testid=save-role]").TextContent.Trim().ShouldBe("Make pat lead"));
        Dialogs.FindAll("[data-testid=self-demotion]").ShouldBeEmpty();
        Dialogs.Find("button[data-testid=save-role]").Click();

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("pat is now lead."));
        page.WaitForAssertion(() => Row(page, "pat").QuerySelector("[data-field=role]")!.TextContent.ShouldBe("lead"));
        (await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = 'users.role' AND subject = 'users/pat' AND before->>'role' = 'pm' AND after->>'role' = 'lead' AND actor = 'ann'")).ShouldBe(1);
    }

    [Fact]
    public async Task The_last_admin_cannot_step_down_and_the_dialog_says_why()
    {
        var app = await StartAsync();
        var page = await RenderUsersAsync(app);

        Button(page, "Change the role of admin").Click();
        Dialogs.WaitForElement(".role-dialog");
        await ChooseAsync("New role", Roles.Viewer);
        Dialogs.Find("button[data-testid=save-role]").Click();

        Dialogs.WaitForAssertion(() => Dialogs.Find("[data-testid=role-problem]").TextContent.ShouldBe("admin is the only admin; make someone else admin first."));
        Row(page, "admin").QuerySelector("[data-field=role]")!.TextContent.ShouldBe("admin");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'users.role'")).ShouldBe(0);
    }

    [Fact]
    public async Task An_admin_changing_their_own_role_is_warned_first()
    {
        var app = await StartAsync();
        await CreateAsync(app, "ann", Roles.Admin);
        var page = await RenderUsersAsync(app);
        Row(page, "ann").QuerySelector("[data-field=self]")!.TextContent.ShouldBe("(you)");

        Button(page, "Change the role of ann").Click();
        Dialogs.WaitForElement(".role-dialog");
        Dialogs.FindAll("[data-testid=self-demotion]").ShouldBeEmpty();
        await ChooseAsync("New role", Roles.Viewer);

        Dialogs.WaitForAssertion(() => Dialogs.Find("[data-testid=self-demotion]").TextContent.ShouldBe(
            "You are changing your own role: you will no longer manage users or change settings."));
    }

    [Fact]
    public async Task Disabling_asks_first_keeps_a_disabled_user_from_signing_in_and_enabling_lets_them_in_again()
    {
        var app = await StartAsync();
        await CreateAsync(app, "pat", Roles.Pm);
        var page = await RenderUsersAsync(app);
        Row(page, "pat").QuerySelector("[data-field=status]")!.TextContent.ShouldBe("active");

        Button(page, "Disable pat").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Disable pat?"));
        Dialogs.Find(".mud-dialog-content").TextContent.ShouldContain("They can no longer sign in");
        DialogButton("Cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
        (await SignInAsync(app, "pat", "long-enough-password")).ShouldBe("succeeded");

        Button(page, "Disable pat").Click();
        Dialogs.WaitForAssertion(() => DialogButton("Disable pat").Click());

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("pat is disabled: they can no longer sign in."));
        page.WaitForAssertion(() => Row(page, "pat").QuerySelector("[data-field=status]")!.TextContent.ShouldBe("disabled"));
        Row(page, "pat").QuerySelector("[data-field=role]")!.TextContent.ShouldBe("pm");
        (await SignInAsync(app, "pat", "long-enough-password")).ShouldBe("locked out");

        Button(page, "Enable pat").Click();
        Dialogs.WaitForAssertion(() => DialogButton("Enable pat").Click());

        page.WaitForAssertion(() => Row(page, "pat").QuerySelector("[data-field=status]")!.TextContent.ShouldBe("active"));
        (await SignInAsync(app, "pat", "long-enough-password")).ShouldBe("succeeded");
        (await app.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE subject = 'users/pat' AND actor = 'ann' AND action IN ('users.disable', 'users.enable')")).ShouldBe(2);
    }

    [Fact]
    public async Task Admins_are_not_offered_to_disable_themselves_and_the_only_admin_cannot_be_disabled()
    {
        var app = await StartAsync();
        await CreateAsync(app, "ann", Roles.Lead);
        var page = await RenderUsersAsync(app);

        page.FindAll("button[aria-label='Disable ann']").ShouldBeEmpty();
        Button(page, "Disable admin").Click();
        Dialogs.WaitForAssertion(() => DialogButton("Disable admin").Click());

        Snackbars.WaitForAssertion(() => Snackbars.Find(".mud-snackbar").TextContent.ShouldContain("admin is the only admin; make someone else admin first."));
        Snackbars.Find(".mud-snackbar").ClassList.ShouldContain("mud-alert-filled-error");
        Row(page, "admin").QuerySelector("[data-field=status]")!.TextContent.ShouldBe("active");
        (await SignInAsync(app, RunningApp.AdminUser, RunningApp.AdminPassword)).ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_reset_password_is_shown_once_works_for_signing_in_and_is_never_written_to_the_audit_log()
    {
        var app = await StartAsync();
        await CreateAsync(app, "pat", Roles.Viewer);
        var page = await RenderUsersAsync(app);

        Button(page, "Reset the password of pat").Click();
        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("Reset the password of pat?"));
        await Dialogs.InvokeAsync(() => DialogButton("Reset the password").Click());

        Dialogs.WaitForAssertion(() => Dialogs.Find(".mud-dialog-title").TextContent.ShouldBe("New password of pat"));
        var password = Dialogs.Find("[data-testid=new-password]").TextContent;
        password.Length.ShouldBe(20);
        (await SignInAsync(app, "pat", "long-enough-password")).ShouldBe("failed");
        (await SignInAsync(app, "pat", password)).ShouldBe("succeeded");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'users.password' AND subject = 'users/pat' AND actor = 'ann'")).ShouldBe(1);
        (await app.Database.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE coalesce(after::text, '') LIKE '%{password}%'")).ShouldBe(0);

        Dialogs.Find("button[data-testid=close-password]").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog").ShouldBeEmpty());
    }

    [Fact]
    public async Task The_view_model_refuses_changes_from_those_the_users_API_refuses()
    {
        var app = await StartAsync();
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<UsersViewModel>();
        var lead = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "lee"), new Claim(ClaimTypes.Role, Roles.Lead)], "test"));

        (await model.CreateAsync(new NewUserInput { UserName = "sneaky", Password = "long-enough-password", Role = Roles.Admin }, lead))
            .Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may create users." });
        (await model.ChangeRoleAsync("admin", Roles.Viewer, lead)).Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may change roles." });
        (await model.SetDisabledAsync("admin", true, lead)).Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may disable users." });
        var reset = await model.ResetPasswordAsync("admin", lead);
        reset.Problems.ShouldBe(new Dictionary<string, string> { [""] = "Only admins may reset passwords." });
        reset.NewPassword.ShouldBeNull();
        (await SignInAsync(app, RunningApp.AdminUser, RunningApp.AdminPassword)).ShouldBe("succeeded");

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_name = 'sneaky'")).ShouldBe(0);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action LIKE 'users.%'")).ShouldBe(0);
    }

    private static async Task CreateAsync(RunningApp app, string name, string role, string? email = null)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var change = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateAsync(name, "long-enough-password", role, email, "seed");
        change.Succeeded.ShouldBeTrue(string.Join(" ", change.Problems.SelectMany(p => p.Value)));
    }

    /// <summary>What signing in with the password would do: succeeded, locked out or failed.</summary>
    private static async Task<string> SignInAsync(RunningApp app, string name, string password)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = (await users.FindByNameAsync(name))!;
        var result = await scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>().CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        return result.Succeeded ? "succeeded" : result.IsLockedOut ? "locked out" : "failed";
    }

    private Task<IRenderedComponent<Users>> RenderUsersAsync(RunningApp app) =>
        RenderPageAsync<Users, UsersViewModel>(app, "/admin/users", Roles.Admin, "[data-testid=users-page]");

    private static IElement Button(IRenderedComponent<Users> page, string name) => page.Find($"button[aria-label='{name}']");

    private static void SortBy(IRenderedComponent<Users> page, string column) =>
        page.FindAll("[data-testid=user-grid] thead th").Single(h => h.TextContent.Trim() == column).QuerySelector(".sortable-column-header")!.Click();

    private static List<string> Names(IRenderedComponent<Users> page) =>
        [.. page.FindAll("[data-testid=user-grid] tbody tr [data-field=name]").Select(c => c.TextContent)];

    private static IElement Row(IRenderedComponent<Users> page, string name) =>
        page.FindAll("[data-testid=user-grid] tbody tr").Single(r => r.QuerySelector("[data-field=name]")?.TextContent == name);

    private static List<string> Cells(IRenderedComponent<Users> page, string name) =>
        [.. Row(page, name).QuerySelectorAll("td").Select(c => c.TextContent.Trim()).Where(t => t.Length > 0)];
}
