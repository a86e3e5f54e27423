using System.Net;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests;

public sealed class StandaloneIngestTests
{
    [Fact]
    public async Task The_standalone_receiver_is_live_and_ready_on_its_OTLP_HTTP_port()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        using var client = new HttpClient { BaseAddress = app.OtlpHttpAddress };

        (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
