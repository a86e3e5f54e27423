using Tollgate.Analytics.Anomalies;
using Tollgate.Analytics.Budgets;
using Tollgate.Analytics.Changes;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Scans the hourly cost series of every project up to the last whole hour, stores what it
/// flags, and announces new anomalies through the channels of the budgets that cover them. A scan
/// of the hours the last one covered, none of whose spans changed since, is skipped (see
/// <see cref="AnomalyScanner.ScanIfChangedAsync"/>): on a large database a scan keeps a core busy for
/// seconds, and open pages would reload their figures for nothing.
/// </summary>
public sealed class AnomalyScanJob(AnomalyScanner scanner, AnomalyNotifier notifier, DataChangeNotices notices, TimeProvider time, JobRunner runner) : TollgateJob(runner)
{
    protected override async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var found = await scanner.ScanIfChangedAsync(time.GetUtcNow().UtcDateTime, cancellationToken);
        // Anomalies not announced yet (a scan may find more than one batch) go out whether or not the scan ran.
        await notifier.RunAsync(cancellationToken);
        if (found is null)
        {
            return 0;
        }

        await notices.PublishAsync(DataChange.Anomalies, cancellationToken);
        return found.Anomalies;
    }
}
