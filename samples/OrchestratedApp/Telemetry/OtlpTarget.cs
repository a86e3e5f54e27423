using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tollgate.OrchestratedApp.Telemetry;

/// <summary>Builds one tracer provider per service for the source that service writes to.</summary>
public delegate TracerProvider ProviderFactory(string serviceName, string sourceName);

/// <summary>
/// Where spans go: the SDK's OTLP exporter over http/protobuf to <c>{endpoint}/v1/traces</c> with
/// an <c>x-api-key</c> header, exactly as a user's service would be configured; or, with
/// <see cref="FromEnvironment"/>, wherever the standard OTEL_EXPORTER_OTLP_* variables say.
/// OTEL_RESOURCE_ATTRIBUTES is read in both cases.
/// </summary>
public sealed class OtlpTarget
{
    private readonly Func<OtlpExporterOptions> _options;
    private readonly int _batchSize;
    private readonly int _maxQueueSize;

    public OtlpTarget(Uri endpoint, string key, int batchSize = 512, int maxQueueSize = 65_536)
        : this(() => new OtlpExporterOptions
        {
            Endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/v1/traces"),
            Protocol = OtlpExportProtocol.HttpProtobuf,
            Headers = "x-api-key=" + key,
        }, batchSize, maxQueueSize)
    {
    }

    private OtlpTarget(Func<OtlpExporterOptions> options, int batchSize, int maxQueueSize)
    {
        _options = options;
        _batchSize = batchSize;
        _maxQueueSize = maxQueueSize;
    }

    public ExportStats Stats { get; } = new();

    /// <summary>
    /// Endpoint, protocol and headers from OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL and
    /// OTEL_EXPORTER_OTLP_HEADERS, which the SDK reads when its options are created.
    /// </summary>
    public static OtlpTarget FromEnvironment(int batchSize = 512, int maxQueueSize = 65_536) =>
        new(() => new OtlpExporterOptions(), batchSize, maxQueueSize);

    public TracerProvider Create(string serviceName, string sourceName)
    {
        var recorder = new StatusRecorder();
        var options = _options();
        options.HttpClientFactory = () => new HttpClient(recorder, disposeHandler: false);
        var exporter = new CountingExporter(options, recorder, Stats);
        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(serviceName).AddAttributes([new("deployment.environment.name", "demo")])
                .AddEnvironmentVariableDetector())
            .AddSource(sourceName)
            .AddProcessor(new BatchActivityExportProcessor(
                exporter,
                maxQueueSize: _maxQueueSize,
                scheduledDelayMilliseconds: 500,
                exporterTimeoutMilliseconds: 30_000,
                maxExportBatchSize: _batchSize))
            .Build();
    }
}
