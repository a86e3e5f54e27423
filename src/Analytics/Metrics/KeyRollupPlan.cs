using System.Text;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Metrics;

/// <summary>The rollup_keys tables, by the length of their buckets.</summary>
internal enum KeyGrain
{
    Hourly,
    Daily,
    Weekly,
}

/// <summary>The buckets of one grain in [From, To), added (Sign 1) or subtracted (Sign −1).</summary>
internal readonly record struct KeySegment(KeyGrain Grain, DateTime From, DateTime To, int Sign);

/// <summary>
/// Which rows of rollup_keys add up to a window, for sums (requests, calls, cost, tokens). Whole
/// weeks come from weekly rows and whole days from daily ones, as everywhere; at each edge the
/// plan also weighs reading a bucket larger than the part of the window it holds and subtracting
/// what lies outside: 21 hours of a day are the day less 3 hours, and the last six days of a week
/// the week less its Monday. Where every bucket holds thousands of keys (users, customers) the
/// rows read are what a query costs, so each edge takes the cheaper of the two. The latency
/// histogram cannot be subtracted: plans are for sums only, and a key whose sums cancel out was
/// only in buckets subtracted.
/// </summary>
internal static class KeyRollupPlan
{
    /// <summary>
    /// Rows an hourly bucket holds against a daily or weekly one, for the keys that make queries
    /// slow: most users and customers active in a day are not active in a given hour (about a
    /// third are, in the analytics benchmark). Weekly and daily buckets hold about as many keys.
    /// </summary>
    private const double HourCost = 0.4;

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static IReadOnlyList<KeySegment> For(QueryWindow window)
    {
        var (from, to) = (window.From, window.To);
        var (dayFrom, dayTo) = window.Days;
        var plan = new List<KeySegment>();
        if (dayFrom >= dayTo)
        {
            // No whole day inside: at most two partial days.
            var split = Min(to, NextDay(from));
            plan.AddRange(PartialDay(from, split, 1));
            if (split < to)
            {
                plan.AddRange(PartialDay(split, to, 1));
            }

            return plan;
        }

        var (weekFrom, weekTo) = window.Weeks;
        var hasWeeks = weekFrom < weekTo;
        plan.Add(new KeySegment(KeyGrain.Weekly, weekFrom, weekTo, 1));

        // Before the whole weeks: the days and the partial day, or the week they end less its start.
        List<KeySegment> headInside = [new(KeyGrain.Daily, dayFrom, weekFrom, 1), .. PartialDay(from, dayFrom, 1)];
        var headWeek = IsoWeek.Start(from);
        List<KeySegment>? headOutside = hasWeeks && headWeek + Week == weekFrom && headWeek < from
            ? [new(KeyGrain.Weekly, headWeek, weekFrom, 1), new(KeyGrain.Daily, headWeek, from.Date, -1), .. PartialDay(from.Date, from, -1)]
            : null;
        plan.AddRange(Cheaper(headInside, headOutside));

        if (hasWeeks)
        {
            // After the whole weeks: the days and the partial day, or the week they start less its end.
            List<KeySegment> tailInside = [new(KeyGrain.Daily, weekTo, dayTo, 1), .. PartialDay(dayTo, to, 1)];
            var end = NextDay(to);
            List<KeySegment>? tailOutside = to < weekTo + Week
                ? [new(KeyGrain.Weekly, weekTo, weekTo + Week, 1), new(KeyGrain.Daily, end, weekTo + Week, -1), .. PartialDay(to, end, -1)]
                : null;
            plan.AddRange(Cheaper(tailInside, tailOutside));
        }
        else
        {
            plan.AddRange(PartialDay(dayTo, to, 1));
        }

        return [.. plan.Where(s => s.From < s.To)];
    }

    /// <summary>
    /// The plan as a subquery with the columns project_id, dimension, key, requests, calls,
    /// cost_usd and the five token counts (negated in subtracted buckets), and its parameters.
    /// </summary>
    public static string Sql(IReadOnlyList<KeySegment> plan, NpgsqlParameterCollection parameters)
    {
        const string columns = "project_id, dimension, key, requests, calls, cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens";
        const string negated = "project_id, dimension, key, -requests, -calls, -cost_usd, -input_tokens, -output_tokens, -cache_read_tokens, -cache_write_tokens, -reasoning_tokens";
        var parts = new List<string>();
        foreach (var group in plan.GroupBy(s => (s.Grain, s.Sign)))
        {
            var ranges = new List<string>();
            foreach (var segment in group)
            {
                var index = parameters.Count;
                parameters.Add(new NpgsqlParameter($"k{index}", NpgsqlDbType.TimestampTz) { Value = segment.From });
                parameters.Add(new NpgsqlParameter($"k{index + 1}", NpgsqlDbType.TimestampTz) { Value = segment.To });
                ranges.Add($"(bucket >= @k{index} AND bucket < @k{index + 1})");
            }

            var table = $"rollup_keys_{group.Key.Grain.ToString().ToLowerInvariant()}";
            parts.Add($"SELECT {(group.Key.Sign > 0 ? columns : negated)} FROM {table} WHERE {string.Join(" OR ", ranges)}");
        }

        if (parts.Count == 0)
        {
            parts.Add($"SELECT {columns} FROM rollup_keys_hourly WHERE false");
        }

        var sql = new StringBuilder("(");
        sql.AppendJoin("\nUNION ALL\n", parts);
        return sql.Append(')').ToString();
    }

    /// <summary>[from, to) within one day: its hours, or the whole day less the hours outside when that reads fewer rows.</summary>
    private static List<KeySegment> PartialDay(DateTime from, DateTime to, int sign)
    {
        if (from >= to)
        {
            return [];
        }

        var day = from.Date;
        List<KeySegment> hours = [new(KeyGrain.Hourly, from, to, sign)];
        List<KeySegment> complement = [new(KeyGrain.Daily, day, day + Day, sign), new(KeyGrain.Hourly, day, from, -sign), new(KeyGrain.Hourly, to, day + Day, -sign)];
        return Cheaper(hours, complement);
    }

    private static List<KeySegment> Cheaper(List<KeySegment> first, List<KeySegment>? second) =>
        second is null || Cost(first) <= Cost(second) ? first : second;

    private static double Cost(IEnumerable<KeySegment> segments) => segments.Where(s => s.From < s.To).Sum(s => s.Grain switch
    {
        KeyGrain.Hourly => (s.To - s.From).TotalHours * HourCost,
        KeyGrain.Daily => (s.To - s.From).TotalDays,
        _ => (s.To - s.From).TotalDays / 7,
    });

    private static DateTime NextDay(DateTime time) => time == time.Date ? time : time.Date + Day;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
