using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;

namespace Tollgate.EndToEnd;

/// <summary>
/// Spans written straight through an app's span writer: requests rolled up as the minute job
/// would, or raw spans written into the shared app and removed again so other tests see an empty one.
/// </summary>
internal static class Seed
{
    public sealed record Request(DateTime Start, string Team, string Feature, string Model, decimal CostUsd);

    public static async Task WriteAsync(RunningApp app, params Request[] requests)
    {
        var project = (await app.App.Services.GetRequiredService<ProjectStore>().ListAsync()).Single(p => p.Name == "default").Id;
        var spans = requests.SelectMany((r, i) => new[]
        {
            TestSpans.Root(project, i + 1, 1, "gateway", r.Start, r.Team, r.Feature),
            TestSpans.Chat(project, i + 1, 2, 1, "gateway", r.Start.AddMilliseconds(100), "openai", r.Model, r.CostUsd),
        }).ToList();
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(spans);
        await app.App.Services.GetRequiredService<RollupService>().RecomputeAsync(requests.Min(r => r.Start), requests.Max(r => r.Start).AddHours(1));
    }

    public static Task<int> DefaultProjectAsync(RunningApp app) =>
        app.Database.ScalarAsync<int>("SELECT id FROM projects WHERE name = 'default'")!;

    public static async Task WriteAsync(RunningApp app, IReadOnlyList<SpanRecord> spans) =>
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(spans);

    public static async Task RemoveSpansAsync(RunningApp app)
    {
        await app.Database.ExecuteAsync("DELETE FROM spans");
        await app.Database.ExecuteAsync("DELETE FROM dependency_edges_hourly");
    }
}
