using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Metrics;
using Tollgate.Dashboard.Web.Components.Pages;
using Tollgate.Testing;
using Tollgate.Analytics.Time;

namespace Tollgate.Dashboard.Web.Tests.Pages;

public sealed class WeeklyReviewTests
{
    private static KeyCost Row(string? key, decimal cost) => new(key, cost);

    [Fact]
    public void Two_weeks_of_rows_are_joined_by_key_with_the_change_in_dollars_and_percent()
    {
        var changes = WeeklyReview.Compare("team", [Row("search", 5m), Row("ads", 2m)], [Row("search", 4m), Row("billing", 1m)]);

        // Largest spender of either week first: search (5), ads (2), billing (1).
        changes.Select(c => c.Key).ShouldBe(["search", "ads", "billing"]);
        // search: 5 - 4 = +1, 1 / 4 = +25%.
        changes[0].ChangeUsd.ShouldBe(1m);
        changes[0].ChangeFraction.ShouldBe(0.25m);
        WeeklyReview.SignedPercent(changes[0]).ShouldBe("+25.0%");
        // ads: new this week, no percentage to give.
        changes[1].ChangeFraction.ShouldBeNull();
        WeeklyReview.SignedPercent(changes[1]).ShouldBe("new");
        // billing: 0 - 1 = -1, -100%.
        changes[2].ChangeUsd.ShouldBe(-1m);
        WeeklyReview.SignedPercent(changes[2]).ShouldBe("-100.0%");
    }

    [Fact]
    public void Movers_are_the_largest_increases_and_decreases_of_named_values()
    {
        var (increases, decreases) = WeeklyReview.Movers(
        [
            new("team", "search", 5m, 2m),
            new("model", "gpt-4o-mini", 2m, 0m),
            new("feature", null, 9m, 0m),
            new("team", "billing", 0m, 1m),
            new("feature", "invoice", 1m, 4m),
            new("model", "gpt-4o", 3m, 3m),
        ]);

        // +3 (search) before +2 (gpt-4o-mini); the unnamed feature is left out; no change is no mover.
        increases.Select(m => m.Key).ShouldBe(["search", "gpt-4o-mini"]);
        // -3 (invoice) before -1 (billing).
        decreases.Select(m => m.Key).ShouldBe(["invoice", "billing"]);
    }

    [Theory]
    [InlineData("2026-11-18", "2026-11-16")] // a Wednesday names its Monday
    [InlineData("2026-11-16", "2026-11-16")]
    [InlineData("2026-12-01", "2026-11-16")] // the future is this week
    [InlineData("not-a-date", "2026-11-16")]
    [InlineData("2024-01-01", "2025-10-20")] // at most 56 weeks (392 days) before 2026-11-16: 2025-11-16 less 27 days
    public void The_week_parameter_names_a_Monday_within_range(string week, string expected)
    {
        var now = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

        WeeklyReview.WeekParameter(WeeklyReview.ResolveWeek(week, now)).ShouldBe(expected);
    }

    /// <summary>Every day of the week of Monday 2026-11-16 at its first and last second, just after midnight and at noon.</summary>
    public static TheoryData<DateTime> InstantsAcrossAWeek()
    {
        var data = new TheoryData<DateTime>();
        var monday = new DateTime(2026, 11, 16, 0, 0, 0, DateTimeKind.Utc);
        foreach (var day in Enumerable.Range(0, 7))
        {
            foreach (var time in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(12), TimeSpan.FromDays(1) - TimeSpan.FromTicks(1) })
            {
                data.Add(monday.AddDays(day) + time);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InstantsAcrossAWeek))]
    public void Any_instant_of_a_week_reviews_that_week_against_the_one_before(DateTime now)
    {
        var monday = new DateTime(2026, 11, 16, 0, 0, 0, DateTimeKind.Utc);

        IsoWeek.Start(now).ShouldBe(monday);
        WeeklyReview.ResolveWeek(null, now).ShouldBe(monday);
        // Any day of a week names it; tomorrow (perhaps next week) is still this week; the day before Monday is last week.
        WeeklyReview.ResolveWeek(WeeklyReview.WeekParameter(now), now).ShouldBe(monday);
        WeeklyReview.ResolveWeek(WeeklyReview.WeekParameter(now.AddDays(1)), now).ShouldBe(monday);
        WeeklyReview.ResolveWeek(WeeklyReview.WeekParameter(monday.AddDays(-1)), now).ShouldBe(monday.AddDays(-7));
    }

    [Theory]
    [InlineData(30)] // Monday, half a minute into the week
    [InlineData((2 * 86_400) + 30)] // Wednesday, just after midnight
    [InlineData((3 * 86_400) + 43_200)] // Thursday noon
    [InlineData((7 * 86_400) - 30)] // Sunday, half a minute before the week ends
    public async Task Spend_seconds_either_side_of_the_weeks_start_counts_in_its_own_week(int secondsIntoTheWeek)
    {
        var weekStart = IsoWeek.Start(DateTime.UtcNow).AddDays(-14);
        var clock = new ShiftedClock(weekStart.AddSeconds(secondsIntoTheWeek));
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a, clock));
        var project = await PageData.DefaultProjectIdAsync(app);
        // Ten seconds before Monday 00:00 (last week, $2) and ten seconds after (this week, $3).
        await PageData.WriteAndRollUpAsync(app,
        [
            .. PageData.Request(project, 1, weekStart.AddSeconds(-10), "search", "answer", "gpt-4o", 2.00m),
            .. PageData.Request(project, 2, weekStart.AddSeconds(10), "search", "answer", "gpt-4o", 3.00m),
        ], weekStart.AddHours(-1), weekStart.AddHours(1));
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<HomeViewModel>();

        await model.LoadAsync();

        model.WeekStartUtc.ShouldBe(weekStart);
        model.IsCurrentWeek.ShouldBeTrue();
        model.Total.ThisWeekUsd.ShouldBe(3.00m);
        model.RequestsThisWeek.ShouldBe(1);
        // The $2.00 ten seconds before Monday is last week's: in all of it, never in this week, and
        // in its compared part only once the hours so far reach Sunday's last hour.
        model.LastWeekWholeUsd.ShouldBe(2.00m);
        var lastHourCompared = model.LastWeekComparedUntilUtc > weekStart.AddSeconds(-10);
        model.Total.LastWeekUsd.ShouldBe(lastHourCompared ? 2.00m : 0m);
        Figures(model, "team").ShouldBe([("search", 3.00m, lastHourCompared ? 2.00m : 0m)]);
    }

    [Theory]
    [InlineData("2026-11-16T00:00:00", "2026-11-16T01:00:00")] // Monday at midnight: at least one hour
    [InlineData("2026-11-16T00:00:30", "2026-11-16T01:00:00")]
    [InlineData("2026-11-18T12:00:00", "2026-11-18T12:00:00")] // Wednesday noon: Monday and Tuesday and half of Wednesday
    [InlineData("2026-11-18T12:20:00", "2026-11-18T13:00:00")] // whole hours, the rollups' granularity
    [InlineData("2026-11-22T23:59:59", "2026-11-23T00:00:00")] // Sunday's last second: the whole week
    [InlineData("2026-12-01T09:00:00", "2026-11-23T00:00:00")] // a past week: the whole week
    public void The_week_so_far_is_compared_in_whole_hours_with_the_same_hours_of_the_week_before(string now, string expected)
    {
        var monday = new DateTime(2026, 11, 16, 0, 0, 0, DateTimeKind.Utc);
        static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

        WeeklyReview.ComparedUntil(monday, Utc(now)).ShouldBe(Utc(expected));
    }

    [Fact]
    public void The_compared_part_of_a_week_is_named_by_weekday_and_hour()
    {
        var monday = new DateTime(2026, 11, 16, 0, 0, 0, DateTimeKind.Utc);

        WeeklyReview.ElapsedPart(monday, monday.AddDays(2).AddHours(13)).ShouldBe("Monday 00:00 to Wednesday 13:00 UTC");
    }

    [Fact]
    public async Task On_a_Wednesday_the_review_compares_the_hours_so_far_with_the_same_hours_of_last_week()
    {
        // Wednesday noon of a past week; the review's week so far runs to 13:00 at the latest.
        var clock = new ShiftedClock(ShiftedClock.LastWeeks(DayOfWeek.Wednesday));
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a, clock));
        var week = IsoWeek.Start(clock.GetUtcNow().UtcDateTime);
        await PageData.SeedWeekSoFarAsync(app, week);
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<HomeViewModel>();

        await model.LoadAsync();

        model.IsWeekSoFar.ShouldBeTrue();
        model.ComparedUntilUtc.ShouldBe(week.AddDays(2).AddHours(13));
        model.LastWeekComparedUntilUtc.ShouldBe(week.AddDays(-5).AddHours(13));
        // Tuesday against last Tuesday: 3.00 against 2.00; last Friday's 1.00 is not yet comparable.
        (model.Total.ThisWeekUsd, model.Total.LastWeekUsd, model.LastWeekWholeUsd).ShouldBe((3.00m, 2.00m, 3.00m));
        Figures(model, "team").ShouldBe([("search", 3.00m, 2.00m)]);
        model.Decreases.ShouldBeEmpty();
        // The picker still offers billing, which spent last week.
        model.Teams.ShouldBe(["billing", "search"]);
    }

    [Fact]
    public async Task The_review_compares_a_week_with_the_one_before_by_team_feature_and_model()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<HomeViewModel>();

        await model.LoadAsync(WeeklyReview.WeekParameter(ReviewedWeek));

        model.WeekStartUtc.ShouldBe(ReviewedWeek);
        model.IsCurrentWeek.ShouldBeFalse();
        // This week 3.00 + 0.50 + 1.50 = 5.00; last week 2.00 + 1.00 = 3.00; +2.00 is +66.7%.
        model.Total.ThisWeekUsd.ShouldBe(5.00m);
        model.Total.LastWeekUsd.ShouldBe(3.00m);
        WeeklyReview.SignedPercent(model.Total).ShouldBe("+66.7%");
        model.RequestsThisWeek.ShouldBe(3);
        // Teams: search 5.00 against 2.00 (+3.00, +150%); billing 0 against 1.00 (-1.00).
        Figures(model, "team").ShouldBe([("search", 5.00m, 2.00m), ("billing", 0m, 1.00m)]);
        // Features: answer 3.50 against 2.00; summarise 1.50 against 0; invoice 0 against 1.00.
        Figures(model, "feature").ShouldBe([("answer", 3.50m, 2.00m), ("summarise", 1.50m, 0m), ("invoice", 0m, 1.00m)]);
        // Models: gpt-4o 3.00 against 2.00 + 1.00 = 3.00 (no change); gpt-4o-mini 2.00 against 0.
        Figures(model, "model").ShouldBe([("gpt-4o", 3.00m, 3.00m), ("gpt-4o-mini", 2.00m, 0m)]);
        // Increases: search +3.00, gpt-4o-mini +2.00, then answer and summarise at +1.50 by name.
        model.Increases.Select(m => (m.Key, m.ChangeUsd)).ShouldBe([("search", 3.00m), ("gpt-4o-mini", 2.00m), ("answer", 1.50m), ("summarise", 1.50m)]);
        model.Decreases.Select(m => (m.Key, m.ChangeUsd)).ShouldBe([("billing", -1.00m), ("invoice", -1.00m)]);
        // The trend ends on the reviewed week: 3 requests for 5.00.
        model.Trend.Count.ShouldBe(HomeViewModel.TrendWeeks);
        model.Trend[^1].CostPerRequestUsd.ShouldBe(5.00m / 3);
        model.Trend[^2].CostPerRequestUsd.ShouldBe(3.00m / 2);
        // No anomaly was flagged that week.
        model.Anomalies.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_teams_review_shows_only_its_own_features_models_trend_and_budgets()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        var store = app.App.Services.GetRequiredService<Analytics.Budgets.BudgetStore>();
        foreach (var (name, key) in new[] { ("Search weekly", "search"), ("Billing weekly", "billing") })
        {
            var (definition, _) = Analytics.Budgets.BudgetRules.Check(new(null, name, "team", key, "weekly", 10m, [1m], null, null, null), "default", smtpConfigured: false);
            (await store.CreateAsync(definition!, "test")).ShouldNotBeNull();
        }

        await app.App.Services.GetRequiredService<Analytics.Budgets.SpendTracker>().ReloadAsync();
        await using var scope = app.App.Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<HomeViewModel>();
        var week = WeeklyReview.WeekParameter(ReviewedWeek);

        await model.LoadAsync(week, "billing");

        model.Team.ShouldBe("billing");
        model.Teams.ShouldBe(["billing", "search"]);
        model.ShownDimensions.Select(d => d.Dimension).ShouldBe(["feature", "model"]);
        // billing spent nothing this week and 1.00 (invoice on gpt-4o, one request) the week before.
        (model.Total.ThisWeekUsd, model.Total.LastWeekUsd, model.RequestsThisWeek).ShouldBe((0m, 1.00m, 0L));
        Figures(model, "feature").ShouldBe([("invoice", 0m, 1.00m)]);
        Figures(model, "model").ShouldBe([("gpt-4o", 0m, 1.00m)]);
        model.Trend[^2].CostPerRequestUsd.ShouldBe(1.00m);
        model.Budgets.Select(b => b.Budget.Name).ShouldBe(["Billing weekly"]);
    }

    // A week well in the past, so that "now" never falls inside the seeded hours.
    [Fact]
    public async Task A_teams_review_loads_on_a_context_of_one_thread_as_a_circuits_renderer_runs_it()
    {
        // A circuit runs the load on its renderer's context: one piece of work at a time, the
        // continuations of its reads queued behind. A blocking wait on a read there holds the only
        // place that read can finish, and the tab hangs (it did so for a team's review, whose
        // reads of the team tables nothing else awaited). Twenty loads, each given a minute.
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        using var context = new OneThreadContext();

        for (var load = 1; load <= 20; load++)
        {
            await using var scope = app.App.Services.CreateAsyncScope();
            var model = scope.ServiceProvider.GetRequiredService<HomeViewModel>();
            var loaded = context.RunAsync(() => model.LoadAsync(WeeklyReview.WeekParameter(ReviewedWeek), "search"));

            (await Task.WhenAny(loaded, Task.Delay(TimeSpan.FromMinutes(1)))).ShouldBe(loaded, $"load {load} finished");
            await loaded;
            model.Total.ThisWeekUsd.ShouldBe(5.00m);
            model.Teams.ShouldBe(["billing", "search"]);
        }
    }

    /// <summary>A synchronization context that runs what is posted to it in turn on one thread of its own.</summary>
    private sealed class OneThreadContext : SynchronizationContext, IDisposable
    {
        private readonly System.Collections.Concurrent.BlockingCollection<(SendOrPostCallback Work, object? State)> _queue = [];

        public OneThreadContext()
        {
            var thread = new Thread(() =>
            {
                SetSynchronizationContext(this);
                foreach (var (work, state) in _queue.GetConsumingEnumerable())
                {
                    work(state);
                }
            }) { IsBackground = true, Name = "one-thread context" };
            thread.Start();
        }

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public Task RunAsync(Func<Task> work)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(async _ =>
            {
                try
                {
                    await work();
                    done.SetResult();
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            }, null);
            return done.Task;
        }

        public void Dispose() => _queue.CompleteAdding();
    }

    private static DateTime ReviewedWeek => IsoWeek.Start(DateTime.UtcNow).AddDays(-14);

    private static IEnumerable<(string?, decimal, decimal)> Figures(HomeViewModel model, string dimension) =>
        model.ByDimension[dimension].Select(c => (c.Key, c.ThisWeekUsd, c.LastWeekUsd));
}

public sealed class StrongestAnomaliesTests
{
    [Fact]
    public async Task The_weeks_anomalies_are_listed_strongest_first()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var anomalies = app.App.Services.GetRequiredService<Analytics.Anomalies.AnomalyQuery>();
        var week = new DateTime(2026, 11, 9, 0, 0, 0, DateTimeKind.Utc);
        (await anomalies.StrongestAsync(null, week, week.AddDays(7))).ShouldBeEmpty();

        await app.Database.ExecuteAsync("""
            INSERT INTO anomalies (project_id, dimension, key, hour, actual_usd, expected_usd, lower_usd, upper_usd, score) VALUES
                (1, 'team', 'search', '2026-11-10T10:00:00Z', 12.5, 4, 2, 6, 0.62),
                (1, 'feature', 'answer', '2026-11-11T10:00:00Z', 0.5, 4, 2, 6, 0.91),
                (1, 'model', 'gpt-4o', '2026-11-03T10:00:00Z', 50, 4, 2, 6, 0.99);
            """);

        var rows = await anomalies.StrongestAsync(null, week, week.AddDays(7));

        // The week before is left out; 0.91 is stronger than 0.62.
        rows.Select(r => (r.Dimension, r.Key, r.Score)).ShouldBe([("feature", "answer", 0.91), ("team", "search", 0.62)]);
        rows[1].ShouldBe(new Analytics.Anomalies.CostAnomaly(1, "team", "search", new DateTime(2026, 11, 10, 10, 0, 0, DateTimeKind.Utc), 12.5, 4, 2, 6, 0.62, null));
    }
}
