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
}
