using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Changes;
using Tollgate.Analytics.Time;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The weekly review rendered as a circuit renders it, over a real app's database.</summary>
public sealed class HomePageTests : PageTestContext
{
    // A week well in the past, so that "now" never falls inside the seeded hours.
    private static DateTime ReviewedWeek => IsoWeek.Start(DateTime.UtcNow).AddDays(-14);

    [Fact]
    public async Task Names_with_markup_render_as_text_and_link_to_their_traces()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 1, ReviewedWeek.AddDays(1), "team & co", Hostile, Hostile + "-model", 1m)], ReviewedWeek, ReviewedWeek.AddDays(7));

        var page = await RenderHomeAsync(app, "/?week=" + WeeklyReview.WeekParameter(ReviewedWeek));

        page.FindAll("script").ShouldBeEmpty();
        var feature = page.FindAll("[data-testid=by-feature] a").Single();
        feature.TextContent.ShouldBe(Hostile);
        feature.GetAttribute("href").ShouldBe("/traces?feature=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&window=7d");
        page.FindAll("[data-testid=by-model] a").Single().TextContent.ShouldBe(Hostile + "-model");
        page.Find("[data-testid=by-team] a").GetAttribute("href").ShouldBe("/traces?team=team%20%26%20co&window=7d");
        page.FindAll("[data-testid=increases] a").Select(a => a.TextContent).ShouldBe(["team & co", Hostile, Hostile + "-model"], ignoreOrder: true);
        page.Find("[data-testid=cost-this-week]").TextContent.ShouldBe("$1.00");
        // The request was not routed: nothing to compare, and the card says why rather than only $0.00.
        page.Find("[data-testid=routing-savings]").TextContent.ShouldBe("$0.00");
        page.Find("[data-testid=no-routed-requests]").TextContent.ShouldStartWith("no routed requests this week");
        page.Find("[data-testid=no-anomalies]").TextContent.ShouldBe("No anomalies detected this week.");
        page.Find("[data-chart]").GetAttribute("data-chart")!.ShouldContain("Cost per request");
        page.Find("[data-testid=weekly-review]").GetAttribute("data-interactive").ShouldBe("true");
    }

    [Fact]
    public async Task A_teams_review_shows_its_own_features_and_keeps_the_team_in_every_link()
    {
        var app = await StartAsync();
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        var week = WeeklyReview.WeekParameter(ReviewedWeek);

        var page = await RenderHomeAsync(app, $"/?week={week}&team=search");

        page.Find("h1").TextContent.ShouldBe("Weekly spend of team search");
        // search: answer 3.50 and summarise 1.50 this week, against answer 2.00.
        page.Find("[data-testid=cost-this-week]").TextContent.ShouldBe("$5.00");
        page.Find("[data-testid=cost-last-week]").TextContent.ShouldBe("$2.00");
        page.FindAll("[data-testid=by-team]").ShouldBeEmpty();
        page.Find("[data-testid=by-feature] a").GetAttribute("href").ShouldBe("/traces?team=search&feature=answer&window=7d");
        // The picker shows the team reviewed (MudBlazor's input holds no value attribute to read).
#pragma warning disable MUD0012 // A test reads the parameter the page gave the select; it never sets it.
        page.FindComponent<MudSelect<string>>().Instance.Value.ShouldBe("search");
#pragma warning restore MUD0012
        page.Find("[data-testid=previous-week]").GetAttribute("href").ShouldBe($"/?week={WeeklyReview.WeekParameter(ReviewedWeek.AddDays(-7))}&team=search");
        page.Find("[data-testid=next-week]").GetAttribute("href").ShouldBe($"/?week={WeeklyReview.WeekParameter(ReviewedWeek.AddDays(7))}&team=search");
        // A past week is compared in full: no "so far".
        page.FindAll("[data-testid=comparison]").ShouldBeEmpty();
        page.Find("[data-testid=week-range]").TextContent.ShouldNotContain("so far");
    }

    [Fact]
    public async Task A_table_is_sorted_by_the_column_chosen_either_way()
    {
        var app = await StartAsync();
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);

        var page = await RenderHomeAsync(app, "/?week=" + WeeklyReview.WeekParameter(ReviewedWeek));

        // Largest spender of either week first: answer 3.50, summarise 1.50, invoice 1.00 (last week).
        Keys(page, "feature").ShouldBe(["answer", "summarise", "invoice"]);
        var byChange = page.FindAll("[data-testid=by-feature] th button").Single(l => l.TextContent.Contains("Change", StringComparison.Ordinal));
        byChange.Click();
        // invoice -1.00, answer +1.50, summarise +1.50 (ties keep their order).
        page.WaitForAssertion(() => Keys(page, "feature").ShouldBe(["invoice", "answer", "summarise"]));
        page.Find("[data-testid=by-feature] th[aria-sort]").TextContent.ShouldContain("Change");
        page.Find("[data-testid=by-feature] th[aria-sort]").GetAttribute("aria-sort").ShouldBe("ascending");
        page.FindAll("[data-testid=by-feature] th button").Single(l => l.TextContent.Contains("Change", StringComparison.Ordinal)).Click();
        page.WaitForAssertion(() => Keys(page, "feature").ShouldBe(["answer", "summarise", "invoice"]));
        await page.InvokeAsync(() => page.FindAll("[data-testid=by-feature] th button").Single(l => l.TextContent.Contains("Feature", StringComparison.Ordinal)).Click());
        page.WaitForAssertion(() => Keys(page, "feature").ShouldBe(["answer", "invoice", "summarise"]));
    }

    [Fact]
    public async Task On_a_Wednesday_the_week_so_far_is_compared_with_the_same_hours_of_last_week_and_says_so()
    {
        var clock = new ShiftedClock(ShiftedClock.LastWeeks(DayOfWeek.Wednesday));
        var app = await StartAsync(clock: clock);
        var week = IsoWeek.Start(clock.GetUtcNow().UtcDateTime);
        await PageData.SeedWeekSoFarAsync(app, week);

        var page = await RenderHomeAsync(app, "/");

        page.Find("[data-testid=comparison]").TextContent.ShouldContain("The week so far (Monday 00:00 to Wednesday 13:00 UTC) is compared with the same part of the week of " + WeeklyReview.WeekParameter(week.AddDays(-7)));
        page.Find("[data-testid=last-complete-week]").GetAttribute("href").ShouldBe("/?week=" + WeeklyReview.WeekParameter(week.AddDays(-7)));
        page.Find("[data-testid=cost-this-week]").TextContent.ShouldBe("$3.00");
        page.Find("[data-testid=cost-last-week]").TextContent.ShouldBe("$2.00");
        page.Find("[data-testid=cost-change]").TextContent.ShouldContain("+$1.00 (+50.0%)");
        page.Find("[data-testid=cost-change]").TextContent.ShouldContain("in the same part of last week");
        page.Find("[data-testid=last-week-whole]").TextContent.ShouldBe("All of last week: $3.00");
        // Billing's Friday has not come round yet this week: no decrease, and it stays in the picker.
        page.FindAll("[data-testid=decreases]").ShouldBeEmpty();
        page.Find("[data-testid=by-team]").TextContent.ShouldNotContain("billing");
    }

    [Fact]
    public async Task Budgets_show_what_was_spent_of_their_amount_and_their_state()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        var now = DateTime.UtcNow;
        // Halfway between Monday 00:00 and now: in this week's budget period whatever the time.
        var inThisWeek = IsoWeek.Start(now) + ((now - IsoWeek.Start(now)) / 2);
        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 1, inThisWeek, "search", "answer", "gpt-4o", 3.00m)], inThisWeek, inThisWeek.AddHours(1));
        await CreateBudgetsAsync(app, ("Search weekly", "team", "search", 4.00m), ("All weekly", "total", null, 2.00m));

        var page = await RenderHomeAsync(app, "/");

        // All: 3.00 of 2.00 = 150%, exceeded; search: 3.00 of 4.00 = 75%, past the 50% warning threshold.
        var rows = page.FindAll("[data-testid=budgets] tbody tr");
        rows.Select(r => r.QuerySelector("th")!.TextContent).ShouldBe(["All weeklyall of project default, weekly", "Search weeklyteam search, weekly"]);
        rows.Select(r => r.QuerySelector("td")!.TextContent).ShouldBe(["$3.00 / $2.00", "$3.00 / $4.00"]);
        rows.Select(r => r.QuerySelector("[data-testid=budget-state]")!.TextContent).ShouldBe(["exceeded", "warning"]);
        page.Find("[data-testid=budgets-exceeded]").TextContent.ShouldContain("1 budget is exceeded.");
    }

    [Theory]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Lead, false)]
    [InlineData(Roles.Viewer, false)]
    public async Task Only_an_admin_is_offered_to_define_a_budget(string role, bool offered)
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 1, ReviewedWeek.AddDays(1), "search", "answer", "gpt-4o", 1m)], ReviewedWeek, ReviewedWeek.AddDays(7));

        var page = await RenderHomeAsync(app, "/?week=" + WeeklyReview.WeekParameter(ReviewedWeek), role);

        page.Find("[data-testid=no-budgets]").TextContent.ShouldStartWith("No budgets are defined.");
        page.FindAll("[data-testid=define-budget]").Count.ShouldBe(offered ? 1 : 0);
    }

    [Fact]
    public async Task Without_spans_the_page_says_how_to_connect_a_service()
    {
        var app = await StartAsync();

        var page = await RenderHomeAsync(app, "/");

        page.Find(".empty h2").TextContent.ShouldBe("No spans yet");
        page.Find(".empty a").GetAttribute("href").ShouldBe("/connect");
        page.FindAll("[data-testid=cost-this-week]").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_figures_follow_new_data_when_a_change_is_announced_without_a_reload()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 1, ReviewedWeek.AddDays(1), "search", "answer", "gpt-4o", 1m)], ReviewedWeek, ReviewedWeek.AddDays(7));
        var page = await RenderHomeAsync(app, "/?week=" + WeeklyReview.WeekParameter(ReviewedWeek));
        page.Find("[data-testid=cost-this-week]").TextContent.ShouldBe("$1.00");
        var loadedAt = page.Find("[data-testid=updated-at] time").GetAttribute("datetime");

        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 2, ReviewedWeek.AddDays(2), "search", "answer", "gpt-4o", 2m)], ReviewedWeek, ReviewedWeek.AddDays(7));
        // Through PostgreSQL: the notice a rollup pass sends reaches this app's listener, which
        // raises the feed the page follows. Sent again until it lands, as the listener may still be connecting.
        var notices = app.App.Services.GetRequiredService<DataChangeNotices>();
        await Eventually.TrueAsync(async () =>
        {
            await notices.PublishAsync(DataChange.Rollups);
            await Task.Delay(200);
            return page.Find("[data-testid=cost-this-week]").TextContent == "$3.00";
        }, TimeSpan.FromSeconds(30), "The page showing the new spend");

        page.Find("[data-testid=updated-at] time").GetAttribute("datetime").ShouldNotBe(loadedAt);
        page.Find("[data-testid=updated-at]").TextContent.ShouldContain("figures update as new data is rolled up");
    }

    [Fact]
    public async Task A_team_picked_and_then_the_one_before_it_while_the_first_read_is_slow_ends_on_the_team_the_address_names()
    {
        var app = await StartAsync();
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        var week = WeeklyReview.WeekParameter(ReviewedWeek);
        // The page follows a feed of its own, silent, so that no reload after a rollup hides what the loads alone leave shown.
        var page = await RenderPageAsync<Home, HomeViewModel>(app, $"/?week={week}&team=search", Roles.Admin, "[data-testid=weekly-review]",
            feed: new DataChangeFeed(Microsoft.Extensions.Logging.Abstractions.NullLogger<DataChangeFeed>.Instance));
        page.Find("h1").TextContent.ShouldBe("Weekly spend of team search");

        // The read of billing's week waits on a lock this test holds; meanwhile the address goes back to search.
        await using var blocker = app.Database.CreateDataSource();
        await using var connection = await blocker.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockSpans = new Npgsql.NpgsqlCommand("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockSpans.ExecuteNonQueryAsync();
        }

        var navigation = Services.GetRequiredService<NavigationManager>();
        await page.InvokeAsync(() => navigation.NavigateTo($"/?week={week}&team=billing"));
        await Eventually.TrueAsync(async () => await app.Database.SessionsWaitingOnLocksAsync() > 0, TimeSpan.FromSeconds(30), "The read of billing's week waiting on the lock");
        await page.InvokeAsync(() => navigation.NavigateTo($"/?week={week}&team=search"));
        var renders = page.RenderCount;
        await transaction.RollbackAsync();

        // The page renders once its work for billing's address has finished: it shows the team the address names now.
        page.WaitForState(() => page.RenderCount > renders, TimeSpan.FromSeconds(30));
        page.Find("h1").TextContent.ShouldBe("Weekly spend of team search");
        page.Find("[data-testid=cost-this-week]").TextContent.ShouldBe("$5.00");
    }

    private Task<IRenderedComponent<Home>> RenderHomeAsync(RunningApp app, string uri, string role = Roles.Admin) =>
        RenderPageAsync<Home, HomeViewModel>(app, uri, role, "[data-testid=weekly-review]");

    private static async Task CreateBudgetsAsync(RunningApp app, params (string Name, string Scope, string? Key, decimal Amount)[] budgets)
    {
        var store = app.App.Services.GetRequiredService<BudgetStore>();
        foreach (var (name, scope, key, amount) in budgets)
        {
            var (definition, errors) = BudgetRules.Check(new(null, name, scope, key, "weekly", amount, [0.5m, 1m], null, null, null), "default", smtpConfigured: false);
            errors.ShouldBeEmpty();
            (await store.CreateAsync(definition!, "test")).ShouldNotBeNull();
        }

        await app.App.Services.GetRequiredService<SpendTracker>().ReloadAsync();
    }

    private static IEnumerable<string> Keys(IRenderedComponent<Home> page, string dimension) =>
        page.FindAll($"[data-testid=by-{dimension}] tbody tr").Select(r => r.QuerySelector("a")!.TextContent);
}
