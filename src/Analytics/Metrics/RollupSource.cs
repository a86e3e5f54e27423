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

    private const string KeySumColumns =
        "project_id, dimension, key, requests, calls, cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens";

    private const string NegatedKeySumColumns =
        "project_id, dimension, key, -requests, -calls, -cost_usd, -input_tokens, -output_tokens, -cache_read_tokens, -cache_write_tokens, -reasoning_tokens";

    /// <summary>
    /// rollup_keys over a window, for sums of requests, calls, cost and tokens: like
    /// <see cref="Of"/>, except that a partial day at an edge of the window covering more than
    /// half of its day is read as the day's row plus the hours outside the window with their
    /// measures negated. An edge then reads at most 12 hours of rows instead of up to 23, which
    /// matters where each hour holds thousands of keys (users, customers). The latency histogram
    /// cannot be subtracted and is left out. A key whose sums cancel out was only in the hours
    /// subtracted: callers drop it. Uses the parameters of <see cref="AddSignedKeysWindow"/>.
    /// </summary>
    public const string SignedKeys = $"""
        (SELECT {KeySumColumns} FROM rollup_keys_weekly WHERE bucket >= @week_from AND bucket < @week_to
         UNION ALL
         SELECT {KeySumColumns} FROM rollup_keys_daily
         WHERE (bucket >= @day_from AND bucket < @week_from) OR (bucket >= @week_to AND bucket < @day_to) OR bucket = @head_day OR bucket = @tail_day
         UNION ALL
         SELECT {KeySumColumns} FROM rollup_keys_hourly WHERE (bucket >= @from AND bucket < @head_to) OR (bucket >= @tail_from AND bucket < @to)
         UNION ALL
         SELECT {NegatedKeySumColumns} FROM rollup_keys_hourly
         WHERE (bucket >= @head_day AND bucket < @from) OR (bucket >= @to AND bucket < @tail_day + interval '1 day'))
        """;

    /// <summary>The parameters of <see cref="SignedKeys"/> for <paramref name="window"/>.</summary>
    public static void AddSignedKeysWindow(NpgsqlParameterCollection parameters, QueryWindow window)
    {
        AddWindow(parameters, window);
        var (dayFrom, dayTo) = window.Days;
        var wholeDays = dayFrom < dayTo;
        var halfDay = TimeSpan.FromHours(12);
        // The partial day before the whole days: [From, dayFrom).
        var headByDay = wholeDays && dayFrom - window.From > halfDay;
        // The partial day after them: [dayTo, To).
        var tailByDay = wholeDays && window.To - dayTo > halfDay;
        Add(parameters, "head_day", headByDay ? dayFrom.AddDays(-1) : null, NpgsqlDbType.TimestampTz);
        Add(parameters, "tail_day", tailByDay ? dayTo : null, NpgsqlDbType.TimestampTz);
        parameters.Add(new NpgsqlParameter("head_to", NpgsqlDbType.TimestampTz) { Value = headByDay ? window.From : dayFrom });
        parameters.Add(new NpgsqlParameter("tail_from", NpgsqlDbType.TimestampTz) { Value = tailByDay ? window.To : dayTo });
    }

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
