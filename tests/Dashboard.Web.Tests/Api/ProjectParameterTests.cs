using System.Net;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>
/// Every read that takes <c>project</c> reads it the same way: a project's name or its number,
/// and 404 "Unknown project" naming the value when neither matches.
/// </summary>
public sealed class ProjectParameterTests
{
    /// <summary>The reads that take a project.</summary>
    internal static readonly string[] Reads =
    [
        "/api/v1/spend?groupBy=team",
        "/api/v1/summary",
        "/api/v1/features/pnl",
        "/api/v1/orchestration",
        "/api/v1/dependencies",
        "/api/v1/dependencies/debt",
        "/api/v1/maturity",
        "/api/v1/benchmarks",
        "/api/v1/anomalies",
        "/api/v1/ingest/coverage",
    ];

    [Fact]
    public async Task Each_read_takes_a_project_by_name_or_number_and_names_an_unknown_one_in_its_404()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var id = await app.Database.ScalarAsync<int>("SELECT id FROM projects WHERE name = 'default'");
        using var client = app.CreateClient(withAdminKey: true);

        foreach (var read in Reads)
        {
            var byName = await client.GetAsync(new Uri($"{read}{Join(read)}project=default", UriKind.Relative));
            var byNumber = await client.GetAsync(new Uri($"{read}{Join(read)}project={id}", UriKind.Relative));
            var unknown = await client.GetAsync(new Uri($"{read}{Join(read)}project=nowhere", UriKind.Relative));

            byName.StatusCode.ShouldBe(HttpStatusCode.OK, read + ": " + await byName.Content.ReadAsStringAsync());
            byNumber.StatusCode.ShouldBe(HttpStatusCode.OK, read + ": " + await byNumber.Content.ReadAsStringAsync());
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound, read);
            using var problem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync());
            problem.RootElement.GetProperty("title").GetString().ShouldBe("Unknown project", read);
            problem.RootElement.GetProperty("detail").GetString().ShouldBe("There is no project 'nowhere'.", read);
        }
    }

    private static string Join(string path) => path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
}
