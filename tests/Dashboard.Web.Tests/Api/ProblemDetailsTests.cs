using System.Net;
using Npgsql;
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

        await SetConnectionsAllowedAsync(app.Database.Name, allowed: false);
        var during = await client.GetAsync(new Uri("/api/v1/prices", UriKind.Relative));
        await SetConnectionsAllowedAsync(app.Database.Name, allowed: true);

        during.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        during.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        during.Headers.RetryAfter.ShouldNotBeNull();
        (await client.GetAsync(new Uri("/api/v1/prices", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task SetConnectionsAllowedAsync(string database, bool allowed)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.AdminConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand($"ALTER DATABASE {database} ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", connection).ExecuteNonQueryAsync();
        if (!allowed)
        {
            await new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'", connection).ExecuteNonQueryAsync();
        }
    }
}
