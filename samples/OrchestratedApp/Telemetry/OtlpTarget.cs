using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tollgate.OrchestratedApp.Telemetry;

/// <summary>Builds one tracer provider per service for the source that service writes to.</summary>
public delegate TracerProvider ProviderFactory(string serviceName, string sourceName);

/// <summary>
/// Where spans go: the SDK's OTLP exporter over http/protobuf to <c>{endpoint}/v1/traces</c> with
/// an <c>x-api-key</c> header, exactly as a user's service would be configured.
/// </summary>
public sealed class OtlpTarget(Uri endpoint, string key, int batchSize = 512, int maxQueueSize = 65_536)
{
    public ExportStats Stats { get; } = new();

    public Uri TracesEndpoint { get; } = new(endpoint.ToString().TrimEnd('/') + "/v1/traces");

    public TracerProvider Create(string serviceName, string sourceName)
    {
        var recorder = new StatusRecorder();
        var options = new OtlpExporterOptions
        {
            Endpoint = TracesEndpoint,
            Protocol = OtlpExportProtocol.HttpProtobuf,
            Headers = "x-api-key=" + key,
            HttpClientFactory = () => new HttpClient(recorder, disposeHandler: false),
        };
        var exporter = new CountingExporter(options, recorder, Stats);
        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(serviceName).AddAttributes([new("deployment.environment.name", "demo")]))
            .AddSource(sourceName)
            .AddProcessor(new BatchActivityExportProcessor(
                exporter,
                maxQueueSize: maxQueueSize,
                scheduledDelayMilliseconds: 500,
                exporterTimeoutMilliseconds: 30_000,
                maxExportBatchSize: batchSize))
            .Build();
    }
}
