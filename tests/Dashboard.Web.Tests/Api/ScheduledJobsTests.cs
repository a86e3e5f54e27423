using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;
using static Tollgate.Testing.TestSpans;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class ScheduledJobsTests
{
    [Fact]
    public async Task The_scheduler_keeps_the_dependency_map_current_and_runs_the_anomaly_scan_without_being_asked()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a),
            settings: new Dictionary<string, string> { ["Tollgate:Jobs:RollupIntervalSeconds"] = "1", ["Tollgate:Jobs:AnomalyScanIntervalMinutes"] = "1" });
        using var client = app.CreateClient(withAdminKey: true);
        var project = await app.Database.ScalarAsync<int>("SELECT id FROM projects WHERE name = 'default'");
        var start = DateTime.UtcNow.AddMinutes(-10);
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync(
        [
            Root(project, 1, 1, "gateway", start, team: "search", feature: "answers"),
            Chat(project, 1, 2, 1, "gateway", start.AddSeconds(1), "openai", "gpt-4o", 0.02m),
        ]);
        var window = $"from={start.AddHours(-1):yyyy-MM-ddTHH:00:00Z}&to={start.AddHours(2):yyyy-MM-ddTHH:00:00Z}";

        // Nothing asks for a run: the test waits for the scheduler's first passes, however long a
        // busy machine makes them take, and shows the job runs when they never come.
        string[] edges = [];
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (edges.Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var map = await client.GetFromJsonAsync<JsonElement>($"/api/v1/dependencies?{window}");
            edges = map.GetProperty("edges").EnumerateArray()
                .Select(e => $"{e.GetProperty("source").GetString()}->{e.GetProperty("target").GetString()} calls={e.GetProperty("calls").GetInt64()}").ToArray();
        }

        var runs = await client.GetFromJsonAsync<JsonElement>("/api/v1/jobs");
        edges.ShouldBe(["service:gateway->model:openai/gpt-4o calls=1"], $"job runs: {runs}");
        var jobs = runs.GetProperty("jobs").EnumerateArray()
            .ToDictionary(j => j.GetProperty("job").GetString()!, j => j.GetProperty("runs"));
        // The jobs fire every second: the latest run may still be running, so look at the finished ones.
        string[] Finished(string job) => [.. jobs[job].EnumerateArray().Select(r => r.GetProperty("outcome").GetString()!).Where(o => o != "running")];
        Finished("dependencies").ShouldNotBeEmpty();
        Finished("dependencies").ShouldAllBe(o => o == "succeeded");
        Finished("anomalies").ShouldNotBeEmpty();
        Finished("anomalies").ShouldAllBe(o => o == "succeeded");
    }
}
