using System.Globalization;

namespace Tollgate.Analytics.Metrics;

/// <summary>
/// The instants a query may name. Window arithmetic (rounding to hours, default lengths) near
/// DateTime's own limits overflows, and no span is older than 1970 or dated in the year 9000.
/// </summary>
public static class QueryTimes
{
    public static readonly DateTime Earliest = DateTime.UnixEpoch;
    public static readonly DateTime Latest = new(9000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Null when both ends are usable, else a sentence saying which to fix.</summary>
    public static string? Problem(DateTime? from, DateTime? to) =>
        OutOfRange(from) ? Message("from") : OutOfRange(to) ? Message("to") : null;

    private static bool OutOfRange(DateTime? value) =>
        value is { } v && (v.ToUniversalTime() < Earliest || v.ToUniversalTime() >= Latest);

    private static string Message(string name) => string.Create(CultureInfo.InvariantCulture,
        $"'{name}' must lie between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd} (UTC).");
}
