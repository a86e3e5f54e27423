using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Interop;

/// <summary>The OpenTelemetry .NET SDK's own OTLP exporter, as a user's service would send.</summary>
[Collection(IngestCollection.Name)]
public sealed class DotnetExporterTests(IngestFixture fixture)
{
    [Theory]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    [InlineData(OtlpExportProtocol.Grpc)]
    public async Task Spans_from_the_dotnet_exporter_are_stored_with_exact_tokens_and_costs(OtlpExportProtocol protocol)
    {
        using var source = new ActivitySource("interop-" + Guid.NewGuid().ToString("N"));
        var endpoint = protocol == OtlpExportProtocol.Grpc
            ? fixture.App.OtlpGrpcAddress
            : new Uri(fixture.App.OtlpHttpAddress, "v1/traces");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("dotnet-interop").AddAttributes([new("tollgate.team", "dotnet-team")]))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = endpoint;
                o.Protocol = protocol;
                o.Headers = "x-api-key=" + RunningApp.IngestKey;
                // The exporter drops a batch silently when its 10 s default runs out, which a busy
                // machine can reach; the test then finds nothing stored.
                o.TimeoutMilliseconds = 120_000;
                o.ExportProcessorType = ExportProcessorType.Batch;
            })
            .Build();

        ActivityTraceId traceId;
        using (var root = source.StartActivity("invoke_agent support-bot")!)
        {
            traceId = root.TraceId;
            root.SetTag("gen_ai.operation.name", "invoke_agent");
            root.SetTag("gen_ai.agent.name", "support-bot");
            root.SetTag("tollgate.feature", "dotnet-feature");
            root.SetTag("tollgate.customer", "initech");
            using (var mini = source.StartActivity("chat gpt-4o-mini", ActivityKind.Client)!)
            {
                mini.SetTag("gen_ai.operation.name", "chat");
                mini.SetTag("gen_ai.provider.name", "openai");
                mini.SetTag("gen_ai.request.model", "gpt-4o-mini");
                mini.SetTag("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
                mini.SetTag("gen_ai.usage.input_tokens", 1200);
                mini.SetTag("gen_ai.usage.output_tokens", 300);
                mini.SetTag("gen_ai.usage.cache_read.input_tokens", 200);
            }

            using (var haiku = source.StartActivity("chat claude-haiku-4-5", ActivityKind.Client)!)
            {
                haiku.SetTag("gen_ai.operation.name", "chat");
                haiku.SetTag("gen_ai.provider.name", "anthropic");
                haiku.SetTag("gen_ai.request.model", "claude-haiku-4-5");
                haiku.SetTag("gen_ai.usage.input_tokens", 800L);
                haiku.SetTag("gen_ai.usage.output_tokens", 150L);
                haiku.SetTag("gen_ai.usage.reasoning.output_tokens", 50);
                haiku.SetTag("gen_ai.usage.cache_creation.input_tokens", 100);
            }
        }

        provider.ForceFlush(150_000).ShouldBeTrue();

        var spans = await fixture.SpansAsync(Convert.FromHexString(traceId.ToHexString()));
        ExpectedSpans.ShouldMatch(spans, "dotnet-team", "dotnet-feature", "initech");
        spans.ShouldAllBe(s => (string?)s["service"] == "dotnet-interop");
    }
}
