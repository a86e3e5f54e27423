using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>
/// GET /api/v1/ingest/coverage over calls made by real instrumentation libraries from npm
/// (tests/Interop/js/genai-libraries.cjs), each service's gaps named.
/// </summary>
public sealed class UsageCoverageApiTests
{
    [Fact]
    public async Task The_coverage_report_tells_each_service_what_its_instrumentation_leaves_out()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        foreach (var setup in new[] { "anthropic-sdk-stream", "otel-openai", "openllmetry-openai-stream" })
        {
            var (exitCode, output, errors) = await InteropScripts.RunAsync("genai-libraries.cjs",
                "--setup", setup, "--endpoint", app.OtlpHttpAddress.ToString().TrimEnd('/'), "--key", RunningApp.IngestKey);
            exitCode.ShouldBe(0, output + errors);
        }

        using var client = app.CreateClient(withAdminKey: true);
        using var report = JsonDocument.Parse(await client.GetStringAsync("/api/v1/ingest/coverage?project=default&hours=1"));
        report.RootElement.GetProperty("project").GetString().ShouldBe("default");
        var services = report.RootElement.GetProperty("services").EnumerateArray()
            .ToDictionary(s => s.GetProperty("service").GetString()!, s => s.Clone());
        services.Keys.Order().ShouldBe(["genai-anthropic-sdk-stream", "genai-openllmetry-openai-stream", "genai-otel-openai"]);
        static long Count(JsonElement service, string field) => service.GetProperty(field).GetInt64();
        static string[] Findings(JsonElement service) => service.GetProperty("findings").EnumerateArray().Select(f => f.GetString()!).ToArray();

        // The Anthropic SDK's own tracing: usage with cache tokens, and it says the call streamed.
        var sdk = services["genai-anthropic-sdk-stream"];
        (Count(sdk, "calls"), Count(sdk, "callsWithoutUsage"), Count(sdk, "callsWithCacheTokens"), Count(sdk, "streamedCalls"))
            .ShouldBe((1L, 0L, 1L, 1L));
        Findings(sdk).ShouldAllBe(f => !f.Contains("without token usage") && !f.Contains("upper bound"));

        // OpenTelemetry's instrumentation-openai drops the cached tokens OpenAI reported.
        var otel = services["genai-otel-openai"];
        (Count(otel, "calls"), Count(otel, "callsWithoutUsage"), Count(otel, "callsWithCacheTokens")).ShouldBe((1L, 0L, 0L));
        Findings(otel).ShouldContain(f => f.Contains("the cost shown is an upper bound"));

        // OpenLLMetry sends no usage for a streamed OpenAI call (and does not say it streamed).
        var streamed = services["genai-openllmetry-openai-stream"];
        (Count(streamed, "calls"), Count(streamed, "callsWithoutUsage"), Count(streamed, "streamedCalls")).ShouldBe((1L, 1L, 0L));
        Findings(streamed)[0].ShouldStartWith("1 of 1 model calls arrived without token usage and count as free");

        foreach (var (query, status) in new[] { ("?hours=0", 400), ("?hours=169", 400), ("?project=no-such-project", 404) })
        {
            using var refused = await client.GetAsync("/api/v1/ingest/coverage" + query);
            ((int)refused.StatusCode).ShouldBe(status, query);
        }
    }
}
