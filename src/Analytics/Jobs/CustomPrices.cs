using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Adding an admin's price, as the prices API and the prices page both do it: stored (audited),
/// made current for pricing new spans, then the spans already stored from its date on re-priced
/// by a background job.
/// </summary>
public sealed class CustomPrices(PriceStore store, CurrentPrices current, RepricingService repricing, RepricingJobs jobs, TimeProvider time)
{
    /// <summary>
    /// Spans carry their senders' clocks, which may run ahead: re-pricing reaches this far past now
    /// so that such spans are re-priced too.
    /// </summary>
    public static readonly TimeSpan AheadOfNow = TimeSpan.FromDays(2);

    /// <summary>
    /// Stores <paramref name="price"/> and starts re-pricing from its date, then waits up to
    /// <paramref name="wait"/> for the run so that a small catalogue answers with the final figures;
    /// a longer run goes on in the background.
    /// </summary>
    /// <returns>The price as stored, and its run as it stood when the wait ended.</returns>
    /// <exception cref="ArgumentException">The price is incomplete or out of range; nothing was stored.</exception>
    public async Task<(Price Price, RepricingRun Run)> AddAsync(Price price, string actor, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var stored = await store.AddAsync(price, actor, cancellationToken);
        await current.RefreshAsync(cancellationToken);
        // Queued whatever becomes of the caller: the run goes on if it is abandoned and resumes if the process stops.
        var runId = await jobs.QueueAsync(stored.EffectiveFrom, time.GetUtcNow().UtcDateTime + AheadOfNow, actor, CancellationToken.None);
        var run = (await repricing.WaitAsync(runId, wait, cancellationToken))!;
        return (stored, run);
    }
}
