using System.Globalization;

namespace Tollgate.Analytics.Revenue;

/// <summary>One revenue figure: a feature's (optionally one customer's) revenue over a period.</summary>
public sealed record RevenueLine(string? Feature, string? Customer, DateTime? PeriodStart, DateTime? PeriodEnd, decimal? AmountUsd)
{
    public const int MaxNameLength = 256;

    /// <summary>Longest period one figure may cover: a year, with room for a leap day.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    /// <summary>What is wrong with the line, in words a person can act on, or null when it is fine.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Feature) || Feature.Length > MaxNameLength)
        {
            return $"feature is required (at most {MaxNameLength} characters)";
        }

        if (Customer is { Length: > MaxNameLength })
        {
            return $"customer is at most {MaxNameLength} characters";
        }

        if (PeriodStart is null || PeriodEnd is null)
        {
            return "periodStart and periodEnd are required (ISO-8601 dates, UTC)";
        }

        if (PeriodEnd <= PeriodStart)
        {
            return "periodEnd must be after periodStart";
        }

        if (PeriodEnd - PeriodStart > MaxPeriod)
        {
            return "a period covers at most one year";
        }

        return AmountUsd switch
        {
            null => "amountUsd is required",
            < 0 => "amountUsd must not be negative",
            >= 1_000_000_000_000m => "amountUsd is implausibly large (a trillion or more)",
            _ => null,
        };
    }

    /// <summary>
    /// Lines that repeat an earlier line's feature, customer and period (which would otherwise
    /// overwrite each other in one set): each with its index and the index of the line it repeats.
    /// </summary>
    public static IEnumerable<(int Index, int FirstIndex)> Repeats(IReadOnlyList<RevenueLine> lines)
    {
        var seen = new Dictionary<(string, string, DateTime?, DateTime?), int>();
        for (var i = 0; i < lines.Count; i++)
        {
            var key = (lines[i].Feature?.Trim() ?? "", lines[i].Customer?.Trim() ?? "", lines[i].PeriodStart?.ToUniversalTime(), lines[i].PeriodEnd?.ToUniversalTime());
            if (seen.TryGetValue(key, out var first))
            {
                yield return (i, first);
            }
            else
            {
                seen[key] = i;
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Feature}/{Customer ?? "*"} {PeriodStart:yyyy-MM-dd}..{PeriodEnd:yyyy-MM-dd} {AmountUsd}");
}
