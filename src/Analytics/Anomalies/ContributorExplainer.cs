namespace Tollgate.Analytics.Anomalies;

/// <summary>One key of a breakdown (a team, a model...) at the flagged hour, with what the detector expected of it.</summary>
public sealed record ContributorInput(string Dimension, string Key, double Actual, double Expected);

/// <summary>How much one key explains of the total's excess over its expected value.</summary>
public sealed record Contributor(string Dimension, string Key, double Actual, double Expected, double Excess, double Share);

/// <summary>
/// Explains a total anomaly by its parts: each key's excess (actual − expected) as a share of the
/// total's excess, keeping only keys that moved in the same direction as the total, largest first.
/// Shares are computed within each dimension, since each dimension splits the same total.
/// </summary>
public static class ContributorExplainer
{
    /// <summary>Keys kept per dimension: an explanation longer than this is no longer read.</summary>
    public const int MaxPerDimension = 5;

    public static IReadOnlyList<Contributor> Explain(double totalActual, double totalExpected, IEnumerable<ContributorInput> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var totalExcess = totalActual - totalExpected;
        if (totalExcess == 0 || !double.IsFinite(totalExcess))
        {
            return [];
        }
        return parts
            .Select(p => new Contributor(p.Dimension, p.Key, p.Actual, p.Expected, p.Actual - p.Expected, (p.Actual - p.Expected) / totalExcess))
            .Where(c => c.Share > 0)
            .GroupBy(c => c.Dimension, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(c => c.Share).ThenBy(c => c.Key, StringComparer.Ordinal).Take(MaxPerDimension))
            .ToList();
    }
}
