namespace Tollgate.Analytics.Rollups;

/// <summary>
/// A table derived from spans by whole UTC hours, kept current by <see cref="RollupRunner"/>:
/// recomputing an hour replaces its rows whole (delete and insert in one transaction), so
/// recomputing it again, or while its spans still arrive, is safe.
/// </summary>
public interface IHourlyRollup
{
    /// <summary>The rollup's name, also the name of its watermark.</summary>
    string Name { get; }

    /// <summary>Recomputes the hours in [<paramref name="fromHour"/>, <paramref name="toHour"/>) (both on hour boundaries).</summary>
    /// <returns>The rows written.</returns>
    Task<long> RecomputeAsync(DateTime fromHour, DateTime toHour, CancellationToken cancellationToken);
}
