using System.Diagnostics;
using OpenTelemetry;

namespace Tollgate.OrchestratedApp.Telemetry;

/// <summary>The SDK's OTLP exporter, with each batch's outcome added to <see cref="ExportStats"/>.</summary>
internal sealed class CountingExporter(BaseExporter<Activity> inner, StatusRecorder recorder, ExportStats stats) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        recorder.LastStatus = null;
        var result = inner.Export(batch);
        stats.Add(recorder.LastStatus, result == ExportResult.Success, batch.Count);
        return result;
    }

    protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
