using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

public sealed class AuditApiTests
{
    [Fact]
    public async Task Users_are_created_and_given_roles_by_admins_with_audit_entries_that_hold_no_password()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);

        var created = await admin.PostAsJsonAsync("/api/v1/users", new { userName = "priya", password = "a-long-enough-passphrase", role = "viewer" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var changed = await admin.PutAsJsonAsync("/api/v1/users/priya/role", new { role = "lead" });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = "priya", password = "another-long-passphrase", role = "viewer" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.PutAsJsonAsync("/api/v1/users/nobody/role", new { role = "lead" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users");
        users.EnumerateArray().Select(u => $"{u.GetProperty("userName").GetString()}:{u.GetProperty("role").GetString()}").ShouldBe([$"{RunningApp.AdminUser}:admin", "priya:lead"]);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=users");
        audit.EnumerateArray().Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("subject").GetString()}").ShouldBe(["users.role users/priya", "users.add users/priya"]);
        var roleChange = audit[0];
        roleChange.GetProperty("before").GetProperty("role").GetString().ShouldBe("viewer");
        roleChange.GetProperty("after").GetProperty("role").GetString().ShouldBe("lead");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE after::text ILIKE '%passphrase%' OR after::text ILIKE '%password%'")).ShouldBe(0);
    }

    [Fact]
    public async Task The_only_admin_cannot_step_down_until_another_user_is_admin()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);

        var refused = await admin.PutAsJsonAsync($"/api/v1/users/{RunningApp.AdminUser}/role", new { role = "viewer" });

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("role")[0].GetString()!.ShouldContain("only admin");
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = "second", password = "a-long-enough-passphrase", role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await admin.PutAsJsonAsync($"/api/v1/users/{RunningApp.AdminUser}/role", new { role = "viewer" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users");
        users.EnumerateArray().Select(u => $"{u.GetProperty("userName").GetString()}:{u.GetProperty("role").GetString()}").ShouldBe([$"{RunningApp.AdminUser}:viewer", "second:admin"]);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'users.role'")).ShouldBe(1);
    }

    [Fact]
    public async Task Admins_disable_and_enable_a_login_through_the_API_but_never_the_only_admin()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = "priya", password = "a-long-enough-passphrase", role = "viewer" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var disabled = await admin.PutAsJsonAsync("/api/v1/users/priya/disabled", new { disabled = true });
        disabled.StatusCode.ShouldBe(HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean().ShouldBeTrue();
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users");
        users.EnumerateArray().Select(u => $"{u.GetProperty("userName").GetString()}:{u.GetProperty("disabled").GetBoolean()}").ShouldBe([$"{RunningApp.AdminUser}:False", "priya:True"]);

        var enabled = await admin.PutAsJsonAsync("/api/v1/users/priya/disabled", new { disabled = false });
        (await enabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean().ShouldBeFalse();

        var lastAdmin = await admin.PutAsJsonAsync($"/api/v1/users/{RunningApp.AdminUser}/disabled", new { disabled = true });
        lastAdmin.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await lastAdmin.Content.ReadAsStringAsync()).ShouldContain("only admin");
        var unsaid = await admin.PutAsJsonAsync("/api/v1/users/priya/disabled", new { });
        unsaid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unsaid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("disabled")[0].GetString()!.ShouldContain("true");
        (await admin.PutAsJsonAsync("/api/v1/users/nobody/disabled", new { disabled = true })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=users");
        audit.EnumerateArray().Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("subject").GetString()}")
            .ShouldBe(["users.enable users/priya", "users.disable users/priya", "users.add users/priya"]);
    }

    [Fact]
    public async Task The_audit_trail_lists_key_budget_and_price_changes_newest_first_with_filters()
    {
        await using var app = await BudgetKit.StartAsync();
        using var admin = app.CreateClient(withAdminKey: true);
        (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "nightly-report", role = "viewer" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await BudgetKit.CreateBudgetAsync(admin, new { scope = "total", period = "weekly", amountUsd = 5 });
        (await admin.PostAsJsonAsync("/api/v1/prices", new
        {
            provider = "acme", model = "acme-large", inputPerMTok = 1, outputPerMTok = 2, tier = "mid", effectiveFrom = "2026-01-01T00:00:00Z",
        })).IsSuccessStatusCode.ShouldBeTrue();

        var all = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit");
        var actions = all.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        actions.ShouldContain("api_keys.add");
        actions.ShouldContain("budgets.add");
        actions.ShouldContain("prices.add");
        actions.IndexOf("prices.add").ShouldBeLessThan(actions.IndexOf("budgets.add"));
        actions.IndexOf("budgets.add").ShouldBeLessThan(actions.IndexOf("api_keys.add"));
        all.EnumerateArray().Select(e => e.GetProperty("at").GetDateTime()).ShouldBeInOrder(SortDirection.Descending);

        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=api_keys.add")).GetArrayLength().ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?actor=api-key:bootstrap&limit=1")).GetArrayLength().ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?actor=someone-else")).GetArrayLength().ShouldBe(0);
        var future = DateTime.UtcNow.AddDays(1).ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?from={Uri.EscapeDataString(future)}")).GetArrayLength().ShouldBe(0);
        (await admin.GetAsync("/api/v1/audit?limit=5000")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
