using Tollgate.Analytics.Anomalies;

namespace Tollgate.Analytics.Jobs;

/// <summary>Scans the hourly cost series of every project up to the last whole hour and stores what it flags.</summary>
public sealed class AnomalyScanJob(AnomalyScanner scanner, TimeProvider time, JobRunLog log) : TollgateJob(log)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken) =>
        (await scanner.ScanAsync(projectId: null, time.GetUtcNow().UtcDateTime, cancellationToken)).Anomalies;
}
