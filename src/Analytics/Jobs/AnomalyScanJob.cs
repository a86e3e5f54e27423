using Tollgate.Analytics.Anomalies;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Changes;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Scans the hourly cost series of every project up to the last whole hour, stores what it
/// flags, and announces new anomalies through the channels of the budgets that cover them.
/// </summary>
public sealed class AnomalyScanJob(AnomalyScanner scanner, AnomalyNotifier notifier, DataChangeNotices notices, TimeProvider time, JobRunner runner) : TollgateJob(runner)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var found = await scanner.ScanAsync(projectId: null, time.GetUtcNow().UtcDateTime, cancellationToken);
        await notifier.RunAsync(cancellationToken);
        await notices.PublishAsync(DataChange.Anomalies, cancellationToken);
        return found.Anomalies;
    }
}
