using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tollgate.Analytics.Telemetry;

/// <summary>
/// Tollgate's own traces and metrics, exported over OTLP only when the standard
/// OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK's hosting package is not available, so the
/// providers are built here, and a hosted service disposes (and so flushes) them on shutdown:
/// the container never disposes instances it was handed.
/// </summary>
public static class SelfTelemetry
{
    public const string ActivitySourceName = "Tollgate";
    public const string MeterName = "Tollgate";

    public static IServiceCollection AddTollgateSelfTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return services;
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] switch
        {
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => OtlpExportProtocol.Grpc,
        };
        var headers = configuration["OTEL_EXPORTER_OTLP_HEADERS"];
        var resource = ResourceBuilder.CreateDefault().AddService(configuration["OTEL_SERVICE_NAME"] ?? serviceName);

        void Configure(OtlpExporterOptions o, string signalPath)
        {
            // With the generic endpoint variable, the specification appends the signal's path for HTTP.
            var baseUri = endpoint.TrimEnd('/');
            o.Endpoint = new Uri(protocol == OtlpExportProtocol.HttpProtobuf ? baseUri + signalPath : baseUri);
            o.Protocol = protocol;
            if (!string.IsNullOrEmpty(headers))
            {
                o.Headers = headers;
            }
        }

        var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ActivitySourceName, "Microsoft.AspNetCore")
            .AddOtlpExporter(o => Configure(o, "/v1/traces"))
            .Build();
        var meterProvider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql")
            .AddOtlpExporter(o => Configure(o, "/v1/metrics"))
            .Build();
        services.AddSingleton(tracerProvider);
        services.AddSingleton(meterProvider);
        services.AddHostedService(_ => new ProviderShutdown(tracerProvider, meterProvider));
        return services;
    }

    private sealed class ProviderShutdown(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracerProvider.Dispose();
            meterProvider.Dispose();
            return Task.CompletedTask;
        }
    }
}
