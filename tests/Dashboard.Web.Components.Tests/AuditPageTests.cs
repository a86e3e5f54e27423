using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Audit;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The audit log over a circuit: pages read from the database, filters in the address, documents as text.</summary>
public sealed class AuditPageTests : PageTestContext
{
    /// <summary>How long a test waits for the page to show what the database holds: long enough for a loaded machine.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Entries_with_markup_render_as_text_and_their_documents_as_indented_json()
    {
        var app = await StartAsync();
        await ClearAsync(app);
        await AddAsync(app, Hostile, "budgets.add", $"budgets/{Hostile}", null, """{"name":"<script>alert(1)</script>","amountUsd":500}""");

        var page = await RenderAuditAsync(app, "/admin/audit");

        page.WaitForAssertion(() => Actions(page).ShouldBe(["budgets.add"]), Wait);
        page.FindAll("script").ShouldBeEmpty();
        page.Find("[data-testid=audit-table] tbody [data-field=actor]").TextContent.ShouldBe(Hostile);
        page.Find("[data-testid=audit-table] tbody [data-field=subject]").TextContent.ShouldBe($"budgets/{Hostile}");
        var shown = page.Find("pre[data-field=after]").TextContent;
        shown.ShouldContain("\"name\": \"<script>alert(1)</script>\"");
        shown.ShouldContain("\n  \"amountUsd\": 500\n");
        page.FindAll("pre[data-field=before]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Entries_written_in_one_transaction_are_paged_newest_first_without_loss_or_repeat()
    {
        var app = await StartAsync();
        await ClearAsync(app);
        // 60 entries in one statement: they share one time (now() is the transaction's start).
        await app.Database.ExecuteAsync("""
            INSERT INTO audit_log (actor, action, subject, after)
            SELECT 'admin', 'budgets.add', 'budgets/' || i, jsonb_build_object('i', i) FROM generate_series(0, 59) i
            """);
        await AddAsync(app, "admin", "prices.add", "prices/1", null, null, "now() + interval '1 minute'");

        var page = await RenderAuditAsync(app, "/admin/audit?action=budgets");

        // 60 = a page of 50, then 10 on the last page.
        page.WaitForAssertion(() => Subjects(page).Count.ShouldBe(AuditViewModel.PageSize), Wait);
        page.Find("[data-testid=audit-table] .mud-table-page-number-information").TextContent.ShouldContain("1-50 of 60");
        var first = Subjects(page);
        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Subjects(page).Count.ShouldBe(10), Wait);
        first.Concat(Subjects(page)).Distinct().Count().ShouldBe(60);

        await GoAsync(page, "/admin/audit");
        page.WaitForAssertion(() => Actions(page)[0].ShouldBe("prices.add"), Wait);
    }

    [Fact]
    public async Task The_filters_in_the_address_keep_the_actor_the_area_and_the_days_asked_for_and_fill_the_form()
    {
        var app = await StartAsync();
        await ClearAsync(app);
        await AddAsync(app, "ann", "budgets.add", "budgets/1", null, null, "'2026-11-30T12:00:00Z'");
        await AddAsync(app, "ann", "budgets.update", "budgets/1", null, null, "'2026-12-01T08:00:00Z'");
        await AddAsync(app, "bob", "budgets.delete", "budgets/1", null, null, "'2026-12-01T09:00:00Z'");
        await AddAsync(app, "ann", "prices.add", "prices/1", null, null, "'2026-12-01T10:00:00Z'");
        await AddAsync(app, "ann", "budgetsx.add", "budgetsx/1", null, null, "'2026-12-01T11:00:00Z'");
        await AddAsync(app, "ann", "budgets.add", "budgets/2", null, null, "'2026-12-02T00:00:00Z'");

        var page = await RenderAuditAsync(app, "/admin/audit?action=budgets&actor=ann&from=2026-12-01&to=2026-12-01");

        // Newest first; "budgets" is the area, not a prefix of budgetsx; the last day is included, the day after is not.
        page.WaitForAssertion(() => Actions(page).ShouldBe(["budgets.update"]), Wait);
        page.Find("#a-action").GetAttribute("value").ShouldBe("budgets");
        page.Find("#a-actor").GetAttribute("value").ShouldBe("ann");
        page.Find("#a-from").GetAttribute("value").ShouldBe("2026-12-01");
        page.Find("#a-to").GetAttribute("value").ShouldBe("2026-12-01");

        await GoAsync(page, "/admin/audit?actor=ann");
        page.WaitForAssertion(() => Actions(page).ShouldBe(["budgets.add", "budgetsx.add", "prices.add", "budgets.update", "budgets.add"]), Wait);
        await GoAsync(page, "/admin/audit?actor=nobody");
        page.WaitForAssertion(() => page.Find("[data-testid=no-audit]").TextContent.ShouldBe("No entry matches."), Wait);
    }

    [Fact]
    public async Task Submitting_the_filter_puts_it_in_the_address_and_reads_the_entries_again()
    {
        var app = await StartAsync();
        await ClearAsync(app);
        await AddAsync(app, "ann", "budgets.add", "budgets/1", null, null);
        await AddAsync(app, "bob & co", "prices.add", "prices/1", null, null);
        var page = await RenderAuditAsync(app, "/admin/audit");
        page.WaitForAssertion(() => Actions(page).Count.ShouldBe(2), Wait);

        page.Find("#a-actor").Change("bob & co");
        page.Find("#a-from").Change("2026-11-01");
        page.Find("form[data-testid=audit-filter]").Submit();

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldEndWith("/admin/audit?actor=bob%20%26%20co&from=2026-11-01"), Wait);
        page.WaitForAssertion(() => Actions(page).ShouldBe(["prices.add"]), Wait);
    }

    [Fact]
    public async Task A_day_that_is_not_a_day_or_a_range_that_ends_before_it_starts_is_named_beside_its_field()
    {
        var app = await StartAsync();

        var page = await RenderAuditAsync(app, "/admin/audit?from=yesterday&to=2026-12-01");
        page.WaitForAssertion(() => ProblemUnder(page, "a-from").ShouldBe("Give a day as yyyy-MM-dd, for example 2026-12-01."), Wait);
        ProblemUnder(page, "a-to").ShouldBe("");
        page.FindAll("[data-testid=audit-table]").ShouldBeEmpty();
        page.Find("[data-testid=audit-filter-problem]").TextContent.ShouldBe("Fix the days to see entries.");

        await GoAsync(page, "/admin/audit?from=2026-12-02&to=2026-12-01");
        page.WaitForAssertion(() => ProblemUnder(page, "a-to").ShouldBe("Give a last day on or after the first day."), Wait);
        ProblemUnder(page, "a-from").ShouldBe("");
        page.FindAll("[data-testid=audit-table]").ShouldBeEmpty();

        // Fixed, the days show the table again.
        await GoAsync(page, "/admin/audit?from=2026-12-01&to=2026-12-02");
        page.WaitForAssertion(() => page.FindAll("[data-testid=audit-table]").Count.ShouldBe(1), Wait);
        ProblemUnder(page, "a-to").ShouldBe("");
    }

    [Fact]
    public async Task The_view_model_reads_nothing_for_those_the_audit_API_does_not_let_read()
    {
        var app = await StartAsync();
        await AddAsync(app, "ann", "budgets.add", "budgets/1", null, null);
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<AuditViewModel>();
        model.Filter(AuditListQuery.Of(null, null, null, null), TimeZoneInfo.Utc);

        foreach (var role in new[] { Roles.Lead, Roles.Pm, Roles.Viewer })
        {
            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "vic"), new Claim(ClaimTypes.Role, role)], "test"));
            (await model.PageAsync(user, 0, 50)).ShouldBe(([], 0), role);
        }

        var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ann"), new Claim(ClaimTypes.Role, Roles.Admin)], "test"));
        (await model.PageAsync(admin, 0, 50)).Total.ShouldBeGreaterThan(0);
    }

    private static Task ClearAsync(RunningApp app) => app.Database.ExecuteAsync("DELETE FROM audit_log");

    private static Task AddAsync(RunningApp app, string actor, string action, string subject, string? before, string? after, string at = "now()") =>
        app.Database.ExecuteAsync($"""
            INSERT INTO audit_log (at, actor, action, subject, before, after)
            VALUES ({at}, {Text(actor)}, {Text(action)}, {Text(subject)}, {Json(before)}, {Json(after)})
            """);

    private static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Json(string? value) => value is null ? "NULL" : Text(value) + "::jsonb";

    private Task<IRenderedComponent<Audit>> RenderAuditAsync(RunningApp app, string uri) =>
        RenderPageAsync<Audit, AuditViewModel>(app, uri, Roles.Admin, "[data-testid=audit-page][data-interactive=true]");

    private Task GoAsync(IRenderedComponent<Audit> page, string uri) =>
        page.InvokeAsync(() => Services.GetRequiredService<NavigationManager>().NavigateTo(uri));

    private static string ProblemUnder(IRenderedComponent<Audit> page, string inputId) =>
        page.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    private static List<string> Actions(IRenderedComponent<Audit> page) =>
        [.. page.FindAll("[data-testid=audit-table] tbody td[data-field=action]").Select(c => c.TextContent)];

    private static List<string> Subjects(IRenderedComponent<Audit> page) =>
        [.. page.FindAll("[data-testid=audit-table] tbody td[data-field=subject]").Select(c => c.TextContent)];
}
