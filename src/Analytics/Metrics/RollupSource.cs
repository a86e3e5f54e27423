using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Metrics;

/// <summary>
/// The rows of one rollup over a window: weekly rows for the whole weeks inside it (keys only),
/// daily rows for the other whole days, hourly rows for the hours at its edges. Queries read
/// through this, never the span table.
/// </summary>
internal static class RollupSource
{
    /// <summary>The rollup with weekly rows as well (rollup_keys_weekly): the one whose rows per day are many.</summary>
    private const string Weekly = "keys";

    /// <summary>
    /// A subquery over rollup_{table}_daily and _hourly (and _weekly for keys) using the
    /// parameters @from, @to, @day_from, @day_to, @week_from and @week_to.
    /// </summary>
    public static string Of(string table) => table == Weekly
        ? $"""
            (SELECT * FROM rollup_{table}_weekly WHERE bucket >= @week_from AND bucket < @week_to
             UNION ALL
             SELECT * FROM rollup_{table}_daily WHERE (bucket >= @day_from AND bucket < @week_from) OR (bucket >= @week_to AND bucket < @day_to)
             UNION ALL
             SELECT * FROM rollup_{table}_hourly WHERE (bucket >= @from AND bucket < @day_from) OR (bucket >= @day_to AND bucket < @to))
            """
        : $"""
            (SELECT * FROM rollup_{table}_daily WHERE bucket >= @day_from AND bucket < @day_to
             UNION ALL
             SELECT * FROM rollup_{table}_hourly WHERE (bucket >= @from AND bucket < @day_from) OR (bucket >= @day_to AND bucket < @to))
            """;

    public static void AddWindow(NpgsqlParameterCollection parameters, QueryWindow window)
    {
        var (dayFrom, dayTo) = window.Days;
        parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = window.From });
        parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = window.To });
        parameters.Add(new NpgsqlParameter("day_from", NpgsqlDbType.TimestampTz) { Value = dayFrom });
        parameters.Add(new NpgsqlParameter("day_to", NpgsqlDbType.TimestampTz) { Value = dayTo });
        var (weekFrom, weekTo) = window.Weeks;
        parameters.Add(new NpgsqlParameter("week_from", NpgsqlDbType.TimestampTz) { Value = weekFrom });
        parameters.Add(new NpgsqlParameter("week_to", NpgsqlDbType.TimestampTz) { Value = weekTo });
    }

    public static void Add(NpgsqlParameterCollection parameters, string name, object? value, NpgsqlDbType type) =>
        parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    public static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    public static decimal? Ratio(decimal part, decimal whole) => whole == 0 ? null : part / whole;
}
