using System.Net;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>
/// Every GET endpoint of the OpenAPI document, called with query values no client should send:
/// each answers with a 4xx or a 2xx, never a server error. New endpoints are covered as they are
/// added to the document.
/// </summary>
public sealed class HostileQueryTests
{
    public static TheoryData<string> HostileQueries() =>
    [
        "from=9999-12-31T23:59:59Z&to=9999-12-31T23:59:59Z",
        "from=0001-01-01T00:00:00Z&to=0001-01-01T01:00:00Z",
        "from=0001-01-01T00:00:00Z",
        "to=0001-01-01T00:00:00Z",
        "team=%00&feature=a%00b&customer=%00&model=%00&project=%00&groupBy=%00&action=%00&actor=%00",
        "limit=-1&offset=-5&project=999999&groupBy=' OR 1=1 --",
    ];

    [Theory]
    [MemberData(nameof(HostileQueries))]
    public async Task No_GET_endpoint_answers_a_server_error(string query)
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _) && !p.Name.Contains('{', StringComparison.Ordinal))
            .Select(p => p.Name)
            .ToList();
        paths.Count.ShouldBeGreaterThan(15, "the OpenAPI document should list the API's GET endpoints");

        var failures = new List<string>();
        foreach (var path in paths)
        {
            var response = await client.GetAsync(new Uri($"{path}?{query}", UriKind.Relative));
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_NUL_in_a_query_parameter_is_refused_with_a_message()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        var response = await client.GetAsync(new Uri("/api/v1/summary?team=se%00arch", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("NUL character");
    }

    [Theory]
    [InlineData("/api/v1/summary?from=2026-11-01T00:00:00Z&to=9999-12-31T23:59:59Z", "'to' must lie between")]
    [InlineData("/api/v1/features/pnl?from=0001-01-01T00:00:00Z", "'from' must lie between")]
    [InlineData("/api/v1/maturity?to=9999-12-31T23:59:59Z", "'to' must lie between")]
    public async Task Dates_beyond_any_span_are_refused_naming_the_parameter(string url, string message)
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(message);
    }
}
