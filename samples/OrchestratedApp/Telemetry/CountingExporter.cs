using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Tollgate.OrchestratedApp.Telemetry;

/// <summary>
/// The SDK's OTLP exporter, with each batch's outcome added to <see cref="ExportStats"/>. A subclass
/// rather than a wrapper: the SDK hands the provider's resource only to the exporter it was given.
/// </summary>
internal sealed class CountingExporter(OtlpExporterOptions options, StatusRecorder recorder, ExportStats stats) : OtlpTraceExporter(options)
{
    public override ExportResult Export(in Batch<Activity> activityBatch)
    {
        recorder.LastStatus = null;
        var result = base.Export(activityBatch);
        stats.Add(recorder.LastStatus, result == ExportResult.Success, activityBatch.Count);
        return result;
    }
}
