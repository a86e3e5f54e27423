using System.Net;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class ProblemDetailsTests
{
    [Fact]
    public async Task A_database_outage_is_a_503_problem_with_retry_after_and_the_process_recovers()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        (await client.GetAsync(new Uri("/api/v1/prices", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await app.Database.SetConnectionsAllowedAsync(allowed: false);
        var during = await client.GetAsync(new Uri("/api/v1/prices", UriKind.Relative));
        await app.Database.SetConnectionsAllowedAsync(allowed: true);

        during.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        during.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        during.Headers.RetryAfter.ShouldNotBeNull();
        (await client.GetAsync(new Uri("/api/v1/prices", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
