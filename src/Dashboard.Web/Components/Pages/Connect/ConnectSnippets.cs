using System.Text;

namespace Tollgate.Dashboard.Web.Components.Pages.Connect;

/// <summary>One environment variable of the exporter set-up.</summary>
public sealed record EnvironmentVariable(string Name, string Value);

/// <summary>
/// The set-up a team copies to wire its exporter in: the standard OTEL_* environment variables
/// (read by every OpenTelemetry SDK) and a minimal tracing set-up per language that relies on
/// them. Kept in one place so that the page and the test that runs the sample use the same text.
/// </summary>
public sealed class ConnectSnippets
{
    public const string KeyPlaceholder = "<your-ingest-key>";
    public const string TeamPlaceholder = "my-team";
    public const string FeaturePlaceholder = "my-feature";

    public ConnectSnippets(string otlpHttpEndpoint, string? key, string? team, string? feature)
    {
        Endpoint = otlpHttpEndpoint.TrimEnd('/');
        var resource = $"tollgate.team={Encode(Or(team, TeamPlaceholder))},tollgate.feature={Encode(Or(feature, FeaturePlaceholder))}";
        EnvironmentVariables =
        [
            new("OTEL_EXPORTER_OTLP_ENDPOINT", Endpoint),
            // The SDKs for .NET default to gRPC; Tollgate's OTLP/HTTP port wants http/protobuf.
            new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            new("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=" + Or(key, KeyPlaceholder)),
            new("OTEL_RESOURCE_ATTRIBUTES", resource),
        ];
    }

    public string Endpoint { get; }

    public IReadOnlyList<EnvironmentVariable> EnvironmentVariables { get; }

    /// <summary>The variables as POSIX shell exports (single-quoted: keys and names are taken literally).</summary>
    public string Shell
    {
        get
        {
            var text = new StringBuilder();
            foreach (var variable in EnvironmentVariables)
            {
                text.Append("export ").Append(variable.Name).Append("='").Append(variable.Value.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
            }

            return text.ToString();
        }
    }

    public static string PythonInstall => "pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http";

    public static string Python => """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # Endpoint, key and attribution come from the OTEL_* variables.
        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        """;

    public static string JavaScriptInstall => "npm install @opentelemetry/sdk-node @opentelemetry/exporter-trace-otlp-proto";

    public static string JavaScript => """
        const { NodeSDK } = require('@opentelemetry/sdk-node');
        const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

        // Endpoint, key and attribution come from the OTEL_* variables.
        const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter() });
        sdk.start();
        """;

    public static string DotNetInstall => "dotnet add package OpenTelemetry.Exporter.OpenTelemetryProtocol";

    public static string DotNet => """
        using OpenTelemetry;
        using OpenTelemetry.Resources;
        using OpenTelemetry.Trace;

        // Endpoint, protocol, key and attribution come from the OTEL_* variables.
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("my-service"))
            .AddSource("MyCompany.MyService")
            .AddOtlpExporter()
            .Build();
        """;

    public static string JavaInstall => "curl -LO https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/latest/download/opentelemetry-javaagent.jar";

    public static string Java => """
        # The agent reads the OTEL_* variables; name the service too.
        export OTEL_SERVICE_NAME=my-service
        java -javaagent:opentelemetry-javaagent.jar -jar my-service.jar
        """;

    private static string Or(string? value, string placeholder) => string.IsNullOrWhiteSpace(value) ? placeholder : value.Trim();

    // OTEL_RESOURCE_ATTRIBUTES values are percent-encoded (the W3C Baggage format), so commas,
    // equals signs and spaces in a team name cannot break the list.
    private static string Encode(string value) => Uri.EscapeDataString(value);
}
