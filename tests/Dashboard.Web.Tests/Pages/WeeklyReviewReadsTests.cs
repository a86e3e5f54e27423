using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Changes;
using Tollgate.Analytics.Time;
using Tollgate.Dashboard.Web.Components.Pages;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Pages;

public sealed class WeeklyReviewReadsTests
{
    private static DateTime ReviewedWeek => IsoWeek.Start(DateTime.UtcNow).AddDays(-14);

    /// <summary>
    /// Reads shared through a feed of the test's own: the app's feed also hears the notices of the
    /// test's own rollups, at a moment the test does not choose. The clock starts just after an
    /// hour turns, so the reads kept do not expire during the test.
    /// </summary>
    private static WeeklyReviewReads OwnReads(RunningApp app, DataChangeFeed feed) =>
        new(app.App.Services.GetRequiredService<IServiceScopeFactory>(), new ShiftedClock(UtcHour.Floor(DateTime.UtcNow).AddMinutes(1)), feed);

    private static DataChangeFeed OwnFeed() => new(NullLogger<DataChangeFeed>.Instance);

    [Fact]
    public async Task Tabs_asking_for_the_same_review_share_one_read_until_the_data_changes()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        var feed = OwnFeed();
        using var reads = OwnReads(app, feed);
        var week = WeeklyReview.WeekParameter(ReviewedWeek);

        var first = reads.GetAsync(week, null);
        var second = reads.GetAsync(week, null);
        var team = reads.GetAsync(week, "search");
        (await first).ShouldBeSameAs(await second);
        (await first).Total.ThisWeekUsd.ShouldBe(5.00m);
        // Another team is another review: search alone, without billing's 1.00 of last week.
        (await team).ShouldNotBeSameAs(await first);
        (await team).Total.LastWeekUsd.ShouldBe(2.00m);

        // New spend, then the change a rollup pass announces: a page reloading on it gets the new figures.
        var project = await PageData.DefaultProjectIdAsync(app);
        await PageData.WriteAndRollUpAsync(app, [.. PageData.Request(project, 9, ReviewedWeek.AddDays(3), "search", "answer", "gpt-4o", 2m)], ReviewedWeek, ReviewedWeek.AddDays(7));
        (await reads.GetAsync(week, null)).ShouldBeSameAs(await first);
        Task<HomeFigures>? reloaded = null;
        reads.Changed += () => reloaded = reads.GetAsync(week, null);
        feed.Raise(DataChange.Rollups);

        var figures = await (reloaded ?? throw new ShouldAssertException("the change was not passed on to the pages"));
        figures.Total.ThisWeekUsd.ShouldBe(7.00m);
    }

    [Fact]
    public async Task A_tab_that_leaves_stops_only_its_own_wait()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await PageData.SeedTwoWeeksAsync(app, ReviewedWeek);
        using var reads = OwnReads(app, OwnFeed());
        var week = WeeklyReview.WeekParameter(ReviewedWeek);

        // The first tab has gone by the time its read starts; the second asks for the same read.
        var left = reads.GetAsync(week, null, new CancellationToken(canceled: true));
        var staying = reads.GetAsync(week, null);

        await Should.ThrowAsync<OperationCanceledException>(() => left);
        (await staying).Total.ThisWeekUsd.ShouldBe(5.00m);
    }
}
