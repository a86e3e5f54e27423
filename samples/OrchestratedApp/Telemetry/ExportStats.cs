namespace Tollgate.OrchestratedApp.Telemetry;

/// <summary>
/// Spans per export outcome, across all providers. A span counts as exported when the receiver
/// answered 200; the SDK does not surface <c>partial_success</c>, so spans rejected inside a 200
/// show up only in the receiver's own totals.
/// </summary>
public sealed class ExportStats
{
    private long _exported;
    private long _rejected;
    private long _failed;

    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Spans the receiver turned away for load (429 or 503) after the exporter's own retries.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Spans lost to any other error (bad key, 4xx, 5xx, connection failures, timeouts).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    internal void Add(int? status, bool success, long spans)
    {
        if (success)
        {
            Interlocked.Add(ref _exported, spans);
        }
        else if (status is 429 or 503)
        {
            Interlocked.Add(ref _rejected, spans);
        }
        else
        {
            Interlocked.Add(ref _failed, spans);
        }
    }
}
