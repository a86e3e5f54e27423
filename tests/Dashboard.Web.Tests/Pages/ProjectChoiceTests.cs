using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Revenue;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Attribution;
using Tollgate.Dashboard.Web.Components.Pages.Budgets;
using Tollgate.Dashboard.Web.Components.Pages.Pnl;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Pages;

/// <summary>With several projects, the budget, attribution-rule and revenue forms store into the project chosen.</summary>
public sealed class ProjectChoiceTests
{
    private static readonly ClaimsPrincipal Admin =
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Admin)], "test"));

    [Fact]
    public async Task Budgets_rules_and_revenue_go_to_the_chosen_project_and_to_the_default_one_when_none_is_chosen()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using (var client = app.CreateClient(withAdminKey: true))
        {
            var created = await client.PutAsJsonAsync("/api/v1/projects/mobile", new { contentCapture = false });
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await using var scope = app.App.Services.CreateAsyncScope();
        var budgets = scope.ServiceProvider.GetRequiredService<BudgetsViewModel>();
        await budgets.LoadAsync();
        budgets.Projects.ShouldBe(["default", "mobile"]);
        (await budgets.SaveAsync(new BudgetForm { Project = "mobile", Name = "Mobile", Scope = "total", Period = "monthly", AmountUsd = 10m }, Admin)).Budget!.Project.ShouldBe("mobile");
        (await budgets.SaveAsync(new BudgetForm { Name = "Everything", Scope = "total", Period = "monthly", AmountUsd = 20m }, Admin)).Budget!.Project.ShouldBe("default");

        var rules = scope.ServiceProvider.GetRequiredService<AttributionViewModel>();
        (await rules.SaveAsync(new RuleForm { Project = "mobile", AttributeKey = "app.squad", Target = "team" }, Admin)).Problems.ShouldBeEmpty();
        (await rules.SaveAsync(new RuleForm { Project = "bad\u0001name", AttributeKey = "app.area", Target = "feature" }, Admin)).Problems.Keys.ShouldBe([""]);
        await rules.LoadAsync();
        rules.Rows.Select(r => $"{r.Project} {r.AttributeKey}").ShouldBe(["mobile app.squad"]);

        var pnl = scope.ServiceProvider.GetRequiredService<PnlViewModel>();
        var csv = Encoding.UTF8.GetBytes("feature,periodStart,periodEnd,amountUsd\ncheckout,2026-11-01,2026-11-02,25\n");
        var queued = await pnl.QueueImportAsync(new MemoryStream(csv), csv.Length, "revenue.csv", Admin, "mobile");
        RevenueImport? import = null;
        await Eventually.TrueAsync(async () => (import = await pnl.GetImportAsync(queued.ImportId!.Value)) is { Ended: true }, TimeSpan.FromMinutes(2), "the import's job ending", app.Database.DescribeJobsAsync);
        (import!.Status, import.Inserted).ShouldBe((RevenueImports.Succeeded, 1));
        (await pnl.QueueImportAsync(new MemoryStream(csv), csv.Length, "revenue.csv", Admin, "nowhere")).ShouldBe(RevenueUploadStart.Refused("There is no project 'nowhere' to store the revenue in."));
        (await app.Database.ScalarAsync<string>("SELECT p.name FROM revenue r JOIN projects p ON p.id = r.project_id")).ShouldBe("mobile");
    }
}
