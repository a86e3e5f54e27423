using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tollgate.Analytics.Telemetry;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>
/// The spool's state at /health/spool: healthy when empty, degraded while it holds records
/// (the receiver still accepts spans), unhealthy once an append found it full. Not part of
/// readiness: a receiver with a spool to replay is the one a load balancer should keep.
/// </summary>
public sealed class SpoolHealthCheck(Spool spool) : IHealthCheck
{
    public const string Tag = "spool";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = spool.State;
        var data = new Dictionary<string, object>
        {
            ["directory"] = state.Directory,
            ["bytes"] = state.Bytes,
            ["maxBytes"] = state.MaxBytes,
            ["records"] = state.Records,
            ["oldestRecordAgeSeconds"] = Math.Round(state.OldestRecordAge.TotalSeconds, 3),
            ["quarantinedRecords"] = state.Quarantined,
        };
        var result = state.Full ? HealthCheckResult.Unhealthy("the spool is full: exporters get 503 until replay frees room", data: data)
            : state.Records > 0 ? HealthCheckResult.Degraded("spans wait in the spool for the database", data: data)
            : HealthCheckResult.Healthy("the spool is empty", data);
        return Task.FromResult(result);
    }

    /// <summary>Writes the spool check's status, description and figures as JSON.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var entry = report.Entries.Values.FirstOrDefault();
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            description = entry.Description,
            spool = entry.Data,
        }));
    }
}

/// <summary>The spool's figures as gauges of Tollgate's meter (exported when self-telemetry is on).</summary>
public sealed class SpoolMetrics : IDisposable
{
    private readonly Meter _meter = new(SelfTelemetry.MeterName);

    public SpoolMetrics(Spool spool)
    {
        _meter.CreateObservableGauge("tollgate.ingest.spool.size", () => spool.State.Bytes, "By", "Bytes the receiver's spool takes on disk");
        _meter.CreateObservableGauge("tollgate.ingest.spool.records", () => spool.State.Records, "{record}", "Requests waiting in the spool for the database");
        _meter.CreateObservableGauge("tollgate.ingest.spool.oldest_age", () => spool.State.OldestRecordAge.TotalSeconds, "s", "Age of the oldest record in the spool");
    }

    public void Dispose() => _meter.Dispose();
}
