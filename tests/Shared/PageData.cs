using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;

namespace Tollgate.Testing;

/// <summary>Writes requests into a running app's database and rolls them up, as the scheduler would, for page tests.</summary>
public static class PageData
{
    public static async Task<int> DefaultProjectIdAsync(RunningApp app) =>
        (await app.App.Services.GetRequiredService<ProjectStore>().ListAsync()).Single(p => p.Name == "default").Id;

    public static async Task WriteAndRollUpAsync(RunningApp app, IReadOnlyList<SpanRecord> spans, DateTime fromUtc, DateTime toUtc)
    {
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(spans);
        await app.App.Services.GetRequiredService<RollupService>().RecomputeAsync(fromUtc, toUtc);
    }

    /// <summary>A request: a root span carrying team and feature, and one model call with a provided cost.</summary>
    public static IEnumerable<SpanRecord> Request(int projectId, int trace, DateTime start, string team, string feature, string model, decimal cost)
    {
        yield return TestSpans.Root(projectId, trace, 1, "gateway", start, team, feature);
        yield return TestSpans.Chat(projectId, trace, 2, 1, "gateway", start.AddMilliseconds(100), "openai", model, cost);
    }

    /// <summary>
    /// Two weeks of requests. The week from <paramref name="week"/>: search answer 3.00 (gpt-4o)
    /// and 0.50 (gpt-4o-mini), summarise 1.50 (gpt-4o-mini). The week before: search answer 2.00
    /// (gpt-4o), billing invoice 1.00 (gpt-4o).
    /// </summary>
    public static async Task SeedTwoWeeksAsync(RunningApp app, DateTime week)
    {
        var project = await DefaultProjectIdAsync(app);
        var before = week.AddDays(-7);
        await WriteAndRollUpAsync(app,
        [
            .. Request(project, 1, week.AddDays(1).AddHours(10), "search", "answer", "gpt-4o", 3.00m),
            .. Request(project, 2, week.AddDays(1).AddHours(11), "search", "answer", "gpt-4o-mini", 0.50m),
            .. Request(project, 3, week.AddDays(2).AddHours(9), "search", "summarise", "gpt-4o-mini", 1.50m),
            .. Request(project, 4, before.AddDays(2).AddHours(9), "search", "answer", "gpt-4o", 2.00m),
            .. Request(project, 5, before.AddDays(3).AddHours(9), "billing", "invoice", "gpt-4o", 1.00m),
        ], before, week.AddDays(7));
    }

    /// <summary>
    /// The week from <paramref name="week"/>, reviewed on its Wednesday: Tuesday search answer 3.00.
    /// The week before: Tuesday search answer 2.00 (within the hours compared) and Friday billing
    /// invoice 1.00 (after them). All on gpt-4o.
    /// </summary>
    public static async Task SeedWeekSoFarAsync(RunningApp app, DateTime week)
    {
        var project = await DefaultProjectIdAsync(app);
        await WriteAndRollUpAsync(app,
        [
            .. Request(project, 1, week.AddDays(1).AddHours(9), "search", "answer", "gpt-4o", 3.00m),
            .. Request(project, 2, week.AddDays(-6).AddHours(9), "search", "answer", "gpt-4o", 2.00m),
            .. Request(project, 3, week.AddDays(-3).AddHours(9), "billing", "invoice", "gpt-4o", 1.00m),
        ], week.AddDays(-7), week.AddDays(2));
    }

    /// <summary>
    /// Two projects that used one trace id: in project default a request of team search costing $1;
    /// in a new project research a $2.50 call of team intruder under the same trace id.
    /// </summary>
    public static async Task<(int Default, int Research)> SeedTwoProjectsSharingATraceAsync(RunningApp app, int trace)
    {
        var projects = app.App.Services.GetRequiredService<ProjectStore>();
        var theirs = (await projects.SetContentCaptureAsync("research", contentCapture: false, "test")).Project.Id;
        var ours = await DefaultProjectIdAsync(app);
        var start = DateTime.UtcNow.AddMinutes(-10);
        var intruder = TestSpans.Chat(theirs, trace, 9, 1, "elsewhere", start.AddMilliseconds(50), "openai", "gpt-4o", 2.50m);
        intruder.Team = "intruder";
        intruder.AttributionExplicit = Attribution.Team;
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync([.. Request(ours, trace, start, "search", "answer", "gpt-4o", 1.00m), intruder]);
        return (ours, theirs);
    }
}
