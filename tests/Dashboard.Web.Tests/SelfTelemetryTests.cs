using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests;

public sealed class SelfTelemetryTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_set_the_dashboard_exports_its_own_traces()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, int Length)>();
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, context.Request.ContentType, (int)body.Length));
            return Results.Ok();
        });
        await collector.StartAsync();

        var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        using (var client = app.CreateClient())
        {
            (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Disposing the app disposes the providers, which flushes what they hold.
        await app.DisposeAsync();

        received.ShouldContain(r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf" && r.Length > 0);
        received.ShouldContain(r => r.Path == "/v1/metrics");
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_nothing_is_exported()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));

        app.App.Services.GetService<TracerProvider>().ShouldBeNull();
    }
}
