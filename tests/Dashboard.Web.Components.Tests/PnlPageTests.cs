using System.Globalization;
using System.Security.Claims;
using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Analytics.Revenue;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Pnl;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The feature P&amp;L page over a circuit: figures, sorting, and the revenue upload imported in the background.</summary>
public sealed class PnlPageTests : PageTestContext
{
    private static readonly TimeSpan ImportWait = TimeSpan.FromSeconds(60);

    // Ten days ago: inside the default 30-day period, whatever the time of day.
    private static DateTime Day => DateTime.UtcNow.Date.AddDays(-10);

    private static string Date(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_feature_name_with_markup_renders_as_text_and_links_to_its_traces_beside_both_tier_mixes()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 1, Day.AddHours(10), "search", Hostile, "gpt-4o", 2.00m)], Day, Day.AddDays(1));

        var (page, _) = await RenderPnlAsync(app, "/pnl");

        page.FindAll("script").ShouldBeEmpty();
        var feature = page.Find("[data-testid=pnl-table] tbody tr [data-testid=feature] a");
        feature.TextContent.ShouldBe(Hostile);
        feature.GetAttribute("href").ShouldBe("/traces?feature=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&window=7d");
        var headers = page.FindAll("[data-testid=pnl-table] thead th").Select(h => h.TextContent.Trim()).ToList();
        headers.ShouldContain("Router's choice over routed requests");
        headers.ShouldContain("Tier mix over model calls");
        page.Find("[data-testid=tier-legend]").TextContent.ShouldBe("Both tier mixes read small / mid / frontier:  small,  mid,  frontier.");
        page.Find("[data-testid=routed-tier-mix]").TextContent.ShouldBe("no routed requests");
        page.Find("[data-testid=tier-mix]").TextContent.ShouldNotBeNullOrWhiteSpace();
        page.Find("[data-testid=no-revenue]").TextContent.ShouldContain("No revenue is recorded yet");
        page.Find("[data-testid=pnl]").GetAttribute("data-interactive").ShouldBe("true");
    }

    [Fact]
    public async Task Feature_rows_are_sorted_by_the_column_chosen_either_way()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app,
        [
            .. PageData.Request(project, 1, Day.AddHours(10), "search", "answer", "gpt-4o", 3.00m),
            .. PageData.Request(project, 2, Day.AddHours(11), "search", "summarise", "gpt-4o-mini", 1.50m),
            .. PageData.Request(project, 3, Day.AddHours(12), "billing", "invoice", "gpt-4o", 1.00m),
        ], Day, Day.AddDays(1));

        var (page, _) = await RenderPnlAsync(app, "/pnl");

        // The most expensive feature first until a column is chosen.
        Features(page).ShouldBe(["answer", "summarise", "invoice"]);
        SortBy(page, "AI cost");
        page.WaitForAssertion(() => Features(page).ShouldBe(["invoice", "summarise", "answer"]));
        SortBy(page, "AI cost");
        page.WaitForAssertion(() => Features(page).ShouldBe(["answer", "summarise", "invoice"]));
        SortBy(page, "Feature");
        page.WaitForAssertion(() => Features(page).ShouldBe(["answer", "invoice", "summarise"]));
    }

    [Fact]
    public async Task A_bad_revenue_file_is_refused_line_by_line_and_a_good_one_gives_the_margin()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app,
        [
            .. PageData.Request(project, 1, Day.AddHours(10), "search", "answer", "gpt-4o", 2.00m),
            .. PageData.Request(project, 2, Day.AddHours(11), "search", "answer", "gpt-4o-mini", 1.00m),
        ], Day, Day.AddDays(1));
        var (page, snackbars) = await RenderPnlAsync(app, "/pnl");
        var (start, end) = (Date(Day), Date(Day.AddDays(1)));

        Upload(page, "feature,customer,periodStart,periodEnd,amountUsd", $"answer,acme,{start},{end},10", $"answer,acme,{start},{end},ten", $"answer,acme,yesterday,{end},5");

        page.WaitForAssertion(() => page.FindAll("[data-testid=upload-errors] li").Select(li => li.TextContent).ToList().ShouldSatisfyAllConditions(
            errors => errors.Count.ShouldBe(2),
            errors => errors[0].ShouldBe("line 3: amountUsd 'ten' is not a number (use a dot for decimals, no currency sign)"),
            errors => errors[1].ShouldStartWith("line 4: periodStart 'yesterday' is not a date")), ImportWait);
        page.Find("[data-testid=upload-errors]").TextContent.ShouldContain("Nothing was stored. 2 line(s) need fixing");
        page.Find("[data-testid=import]").GetAttribute("data-status").ShouldBe(RevenueImports.Failed);
        snackbars.WaitForAssertion(() => snackbars.Markup.ShouldContain("Nothing was stored: 2 line(s) need fixing."));
        // Line 2 is good but is not stored either: all or nothing.
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);

        // One day of revenue, [day, day + 1), wholly inside the last 30 days.
        Upload(page, "feature,customer,periodStart,periodEnd,amountUsd", $"answer,acme,{start},{end},10");

        page.WaitForAssertion(() => page.Find("[data-testid=upload-status]").TextContent.ShouldBe("Stored 1 revenue line(s) from revenue.csv."), ImportWait);
        page.FindAll("[data-testid=upload-errors]").ShouldBeEmpty();
        snackbars.WaitForAssertion(() => snackbars.Markup.ShouldContain("Stored 1 revenue line(s) from revenue.csv."));
        // The page loads the margins again: revenue 10.00, cost 2.00 + 1.00 = 3.00, margin 7.00 = 70%, two requests for 3.00.
        page.WaitForAssertion(() => Cells(page, "answer").ShouldBe(["answer", "$10.00", "$3.00", "$7.00", "70%", "+$7.00was $0.00", "$1.50"]));
        page.FindAll("[data-testid=no-revenue]").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_import_shows_its_lines_done_of_the_total_while_it_runs_and_its_outcome_when_it_ends()
    {
        // No job server: the test moves the import along as the job would.
        var app = await StartAsync(new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        var (page, snackbars) = await RenderPnlAsync(app, "/pnl");
        var (start, end) = (Date(Day), Date(Day.AddDays(1)));

        Upload(page, "feature,customer,periodStart,periodEnd,amountUsd", $"answer,acme,{start},{end},10", $"answer,beta,{start},{end},5", $"search,acme,{start},{end},1");

        page.WaitForAssertion(() => page.Find("[data-testid=upload-status]").TextContent.ShouldBe("revenue.csv is waiting to be imported."));
        page.Find("button[data-testid=upload]").HasAttribute("disabled").ShouldBeTrue();
        var id = await app.Database.ScalarAsync<long>("SELECT id FROM revenue_imports");
        await app.Database.ExecuteAsync($"UPDATE revenue_imports SET status = 'running', lines_total = 3, lines_done = 1 WHERE id = {id}");
        page.WaitForAssertion(() => page.Find("[data-testid=upload-status]").TextContent.ShouldBe("Importing revenue.csv: 1 of 3 lines stored."), ImportWait);
        page.Find("[data-testid=import] [role=progressbar]").GetAttribute("aria-valuenow")!.ShouldStartWith("33.3");

        (await app.App.Services.GetRequiredService<RevenueImports>().RunAsync(id))!.Status.ShouldBe(RevenueImports.Succeeded);

        page.WaitForAssertion(() => page.Find("[data-testid=upload-status]").TextContent.ShouldBe("Stored 3 revenue line(s) from revenue.csv."), ImportWait);
        page.FindAll("[data-testid=import] [role=progressbar]").ShouldBeEmpty();
        snackbars.WaitForAssertion(() => snackbars.Markup.ShouldContain("Stored 3 revenue line(s) from revenue.csv."));
        page.Find("button[data-testid=upload]").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public async Task A_new_upload_takes_away_the_error_snackbar_of_the_failed_one_before()
    {
        // No job server: the test runs the imports as the job would, when it chooses.
        var app = await StartAsync(new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        var (page, snackbars) = await RenderPnlAsync(app, "/pnl");
        var (start, end) = (Date(Day), Date(Day.AddDays(1)));
        var imports = app.App.Services.GetRequiredService<RevenueImports>();

        Upload(page, "feature,customer,periodStart,periodEnd,amountUsd", $"answer,acme,{start},{end},ten");
        page.WaitForAssertion(() => page.Find("[data-testid=upload-status]").TextContent.ShouldBe("revenue.csv is waiting to be imported."));
        (await imports.RunAsync(await app.Database.ScalarAsync<long>("SELECT max(id) FROM revenue_imports")))!.Status.ShouldBe(RevenueImports.Failed);
        snackbars.WaitForAssertion(() => snackbars.Find(".mud-snackbar").TextContent.ShouldContain("Nothing was stored: 1 line(s) need fixing."), ImportWait);

        Upload(page, "feature,customer,periodStart,periodEnd,amountUsd", $"answer,acme,{start},{end},10");

        // Gone as soon as the new upload starts, while the new import still waits.
        page.WaitForAssertion(() => page.Find("[data-testid=upload-status]").TextContent.ShouldBe("revenue.csv is waiting to be imported."));
        snackbars.WaitForAssertion(() => snackbars.FindAll(".mud-snackbar").ShouldBeEmpty());
        (await imports.RunAsync(await app.Database.ScalarAsync<long>("SELECT max(id) FROM revenue_imports")))!.Status.ShouldBe(RevenueImports.Succeeded);
        snackbars.WaitForAssertion(() => snackbars.FindAll(".mud-snackbar").Select(s => s.TextContent).ShouldBe(["Stored 1 revenue line(s) from revenue.csv."]), ImportWait);
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Pm, true)]
    [InlineData(Roles.Lead, false)]
    [InlineData(Roles.Viewer, false)]
    public async Task Only_PMs_and_admins_are_offered_the_upload_and_others_are_told_why(string role, bool offered)
    {
        var app = await StartAsync();

        var (page, _) = await RenderPnlAsync(app, "/pnl", role);

        page.FindAll("button[data-testid=upload]").Count.ShouldBe(offered ? 1 : 0);
        page.FindAll("input[type=file]").Count.ShouldBe(offered ? 1 : 0);
        page.FindAll("[data-testid=upload-not-allowed]").Select(p => p.TextContent).ShouldBe(offered ? [] : ["Only PMs and admins may upload revenue. Ask one of them, or an admin to give you the PM role."]);
    }

    [Fact]
    public async Task The_view_model_refuses_an_upload_from_someone_the_revenue_policy_does_not_allow()
    {
        var app = await StartAsync();
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<PnlViewModel>();
        var csv = Encoding.UTF8.GetBytes("feature,periodStart,periodEnd,amountUsd\n");
        var viewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "vic"), new Claim(ClaimTypes.Role, Roles.Viewer)], "test"));

        await Should.ThrowAsync<UnauthorizedAccessException>(() => model.QueueImportAsync(new MemoryStream(csv), csv.Length, "revenue.csv", viewer));

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue_imports")).ShouldBe(0);
    }

    [Fact]
    public async Task A_bad_custom_period_says_what_to_fix_and_a_chosen_period_goes_into_the_address()
    {
        var app = await StartAsync();

        var (page, _) = await RenderPnlAsync(app, "/pnl?period=custom&from=2026-11-10&to=2026-11-01");

        page.Find("[data-testid=period-error]").TextContent.ShouldContain("'to' must be after 'from'");
        page.Find("input[data-testid=period-from]").GetAttribute("value").ShouldBe("2026-11-10");
        page.Find(".empty h2").TextContent.ShouldBe("No spans and no revenue yet");

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("7"));
        page.Find("[data-testid=show-period]").Click();

        Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/pnl?period=7");
        // The page then loads the chosen period.
        page.WaitForAssertion(() => page.FindAll("[data-testid=period-error]").ShouldBeEmpty());
    }

    private async Task<(IRenderedComponent<Pnl> Page, IRenderedComponent<MudSnackbarProvider> Snackbars)> RenderPnlAsync(RunningApp app, string uri, string role = Roles.Pm)
    {
        var page = await RenderPageAsync<Pnl, PnlViewModel>(app, uri, role, "[data-testid=pnl]");
        return (page, Snackbars);
    }

    private static void Upload(IRenderedComponent<Pnl> page, params string[] lines) =>
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(string.Join("\n", lines) + "\n", "revenue.csv", contentType: "text/csv"));

    private static void SortBy(IRenderedComponent<Pnl> page, string column) =>
        page.FindAll("[data-testid=pnl-table] .mud-table-sort-label").Single(l => l.TextContent.Trim() == column).Click();

    private static List<string> Features(IRenderedComponent<Pnl> page) =>
        [.. page.FindAll("[data-testid=pnl-table] tbody tr [data-testid=feature]").Select(c => c.TextContent.Trim())];

    private static List<string> Cells(IRenderedComponent<Pnl> page, string feature) =>
        [.. page.FindAll("[data-testid=pnl-table] tbody tr").Single(r => r.QuerySelector("[data-testid=feature]")!.TextContent.Trim() == feature)
            .QuerySelectorAll("td").Take(7).Select(c => c.TextContent.Trim())];
}
