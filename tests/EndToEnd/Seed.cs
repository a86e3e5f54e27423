using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Rollups;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;

namespace Tollgate.EndToEnd;

/// <summary>Requests written straight through the app's span writer, then rolled up as the minute job would.</summary>
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

    /// <summary>An instant inside the current ISO week and in the past, whatever the time now.</summary>
    public static DateTime InThisWeek(DateTime weekStart, DateTime now) => weekStart + ((now - weekStart) / 2);
}
