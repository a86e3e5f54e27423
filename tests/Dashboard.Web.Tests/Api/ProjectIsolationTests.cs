using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Dependencies;
using Tollgate.Analytics.Projects;
using Tollgate.Analytics.Spans;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>
/// Every read asked about one project answers from that project's spans alone: another project's
/// team, feature, service and cost never appear in it, while asked about that other project they do.
/// </summary>
public sealed class ProjectIsolationTests
{
    // Every read that takes a project, and spend grouped by feature too.
    private static readonly string[] Reads = [.. ProjectParameterTests.Reads, "/api/v1/spend?groupBy=feature"];

    // Names only the other project sent (its cost is compared figure by figure below).
    private static readonly string[] TheirMarks = ["intruder", "heist", "elsewhere"];

    [Fact]
    public async Task Each_read_of_one_project_carries_nothing_another_project_sent()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var ours = await PageData.DefaultProjectIdAsync(app);
        var theirs = (await app.App.Services.GetRequiredService<ProjectStore>().SetContentCaptureAsync("research", contentCapture: false, "test")).Project.Id;
        var start = DateTime.UtcNow.AddMinutes(-10);
        SpanRecord[] spans =
        [
            .. PageData.Request(ours, 1, start, "search", "answer", "gpt-4o", 1.00m),
            TestSpans.Root(theirs, 2, 1, "elsewhere", start, "intruder", "heist"),
            TestSpans.Chat(theirs, 2, 2, 1, "elsewhere", start.AddMilliseconds(100), "openai", "gpt-4o", 2.50m),
        ];
        var (from, to) = (start.AddHours(-1), DateTime.UtcNow.AddHours(1));
        await PageData.WriteAndRollUpAsync(app, spans, from, to);
        await app.App.Services.GetRequiredService<DependencyRollup>().RecomputeHoursAsync(null, from, to);
        using var client = app.CreateClient(withAdminKey: true);

        var seenInTheirs = new HashSet<string>();
        foreach (var read in Reads)
        {
            var join = read.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var ourAnswer = await ReadAsync(client, $"{read}{join}project=default");
            var theirAnswer = await ReadAsync(client, $"{read}{join}project=research");

            foreach (var mark in TheirMarks)
            {
                ourAnswer.ShouldNotContain(mark, Case.Sensitive, $"{read} for project default carries '{mark}' of project research: {ourAnswer}");
                if (theirAnswer.Contains(mark, StringComparison.Ordinal))
                {
                    seenInTheirs.Add(read + " " + mark);
                }
            }
        }

        // The marks are there to be found: the same reads about the other project show them.
        seenInTheirs.ShouldContain("/api/v1/spend?groupBy=team intruder");
        seenInTheirs.ShouldContain("/api/v1/spend?groupBy=feature heist");
        seenInTheirs.ShouldContain("/api/v1/features/pnl heist");
        seenInTheirs.ShouldContain("/api/v1/dependencies elsewhere");
        var ourSummary = await client.GetFromJsonAsync<JsonElement>("/api/v1/summary?project=default");
        var theirSummary = await client.GetFromJsonAsync<JsonElement>("/api/v1/summary?project=research");
        ourSummary.GetProperty("costUsd").GetDecimal().ShouldBe(1.00m);
        theirSummary.GetProperty("costUsd").GetDecimal().ShouldBe(2.50m);
    }

    private static async Task<string> ReadAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {body}");
        return body;
    }
}
