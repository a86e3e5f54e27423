using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Interop;

/// <summary>
/// The OpenTelemetry JavaScript SDK and its OTLP exporters from npm (tests/Interop/js, installed
/// by test.sh with npm ci), sending over each protocol a Node.js service would use.
/// </summary>
[Collection(IngestCollection.Name)]
public sealed class JavaScriptExporterTests(IngestFixture fixture)
{
    [Theory]
    [InlineData("proto", false)]
    [InlineData("proto", true)]
    [InlineData("json", false)]
    [InlineData("json", true)]
    [InlineData("grpc", false)]
    [InlineData("grpc", true)]
    public async Task Spans_from_the_javascript_exporters_are_stored_with_exact_tokens_and_costs(string protocol, bool gzip)
    {
        var endpoint = protocol == "grpc" ? fixture.App.OtlpGrpcAddress : fixture.App.OtlpHttpAddress;

        var (exitCode, output, errors) = await RunAsync(protocol, endpoint.ToString().TrimEnd('/'), RunningApp.IngestKey, gzip);

        exitCode.ShouldBe(0, output + errors);
        using var result = JsonDocument.Parse(output);
        result.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
        var traceId = result.RootElement.GetProperty("traceIds")[0].GetString()!;
        ExpectedSpans.ShouldMatch(await fixture.SpansAsync(Convert.FromHexString(traceId)), "js-team", "js-feature", "acme");
    }

    [Theory]
    [InlineData("proto")]
    [InlineData("grpc")]
    public async Task A_refused_key_is_reported_to_the_javascript_exporter(string protocol)
    {
        var endpoint = protocol == "grpc" ? fixture.App.OtlpGrpcAddress : fixture.App.OtlpHttpAddress;

        var (exitCode, output, _) = await RunAsync(protocol, endpoint.ToString().TrimEnd('/'), "tg_ingest_unknown-key-0000000000", gzip: false);

        exitCode.ShouldBe(1);
        output.ShouldContain(protocol == "grpc" ? "UNAUTHENTICATED" : "401");
    }

    /// <summary>Runs send-spans.mjs once; its output is one JSON line with the trace ids sent.</summary>
    internal static Task<(int ExitCode, string Output, string Errors)> RunAsync(string protocol, string endpoint, string key, bool gzip, int traces = 1) =>
        InteropScripts.RunAsync("send-spans.mjs",
            ["--protocol", protocol, "--endpoint", endpoint, "--key", key, "--traces", traces.ToString(System.Globalization.CultureInfo.InvariantCulture), .. gzip ? new[] { "--gzip" } : []]);
}
