using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Time;

namespace Tollgate.Analytics.Rollups;

/// <summary>Replaces the hourly rows of a range and derives the daily rows of its days, inside the caller's transaction.</summary>
internal static class RollupWriter
{
    private static readonly string[] Tables = ["rollup_spans", "rollup_features", "rollup_traces", "rollup_keys"];

    public static async Task ReplaceHoursAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RollupRows rows, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        foreach (var table in Tables)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table}_hourly WHERE bucket >= $1 AND bucket < $2", from, to, cancellationToken);
        }

        await using (var spans = await connection.BeginBinaryImportAsync("COPY rollup_spans_hourly FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (key, m) in rows.Spans)
            {
                spans.StartRow();
                spans.Write(key.Bucket, NpgsqlDbType.TimestampTz);
                spans.Write(key.ProjectId, NpgsqlDbType.Integer);
                Text(spans, key.Team);
                Text(spans, key.Feature);
                Text(spans, key.Customer);
                Text(spans, key.Model);
                Text(spans, key.Provider);
                Text(spans, key.Service);
                Text(spans, key.Tier);
                WriteBillingCalls(spans, m);
            }

            await spans.CompleteAsync(cancellationToken);
        }

        await using (var features = await connection.BeginBinaryImportAsync("COPY rollup_features_hourly FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (key, m) in rows.Features)
            {
                features.StartRow();
                features.Write(key.Bucket, NpgsqlDbType.TimestampTz);
                features.Write(key.ProjectId, NpgsqlDbType.Integer);
                Text(features, key.Team);
                Text(features, key.Feature);
                Text(features, key.Model);
                Text(features, key.Provider);
                Text(features, key.Tier);
                WriteBillingCalls(features, m);
                features.Write(key.Routed, NpgsqlDbType.Boolean);
            }

            await features.CompleteAsync(cancellationToken);
        }

        await using (var traces = await connection.BeginBinaryImportAsync("COPY rollup_traces_hourly FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (key, m) in rows.Traces)
            {
                traces.StartRow();
                traces.Write(key.Bucket, NpgsqlDbType.TimestampTz);
                traces.Write(key.ProjectId, NpgsqlDbType.Integer);
                Text(traces, key.Team);
                Text(traces, key.Feature);
                traces.Write(m.Requests, NpgsqlDbType.Bigint);
                traces.Write(m.RoutedRequests, NpgsqlDbType.Bigint);
                traces.Write(m.CacheHitRequests, NpgsqlDbType.Bigint);
                traces.Write(m.FallbackRequests, NpgsqlDbType.Bigint);
                traces.Write(m.RetryRequests, NpgsqlDbType.Bigint);
                traces.Write(m.ErrorRequests, NpgsqlDbType.Bigint);
                traces.Write(m.CostUsd, NpgsqlDbType.Numeric);
                traces.Write(m.CacheHitCostUsd, NpgsqlDbType.Numeric);
                traces.Write(m.DurationMsSum, NpgsqlDbType.Bigint);
                traces.Write(m.QualityCheckSpans, NpgsqlDbType.Bigint);
                traces.Write(m.RoutedSmall, NpgsqlDbType.Bigint);
                traces.Write(m.RoutedMid, NpgsqlDbType.Bigint);
                traces.Write(m.RoutedFrontier, NpgsqlDbType.Bigint);
            }

            await traces.CompleteAsync(cancellationToken);
        }

        await using (var keys = await connection.BeginBinaryImportAsync("COPY rollup_keys_hourly FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (key, m) in rows.Keys)
            {
                keys.StartRow();
                keys.Write(key.Bucket, NpgsqlDbType.TimestampTz);
                keys.Write(key.ProjectId, NpgsqlDbType.Integer);
                keys.Write(key.Dimension, NpgsqlDbType.Text);
                Text(keys, key.Key);
                keys.Write(m.Requests, NpgsqlDbType.Bigint);
                WriteCalls(keys, m.Calls, withUnpriced: false);
                if (m.LatencyHistogram is null)
                {
                    keys.WriteNull();
                }
                else
                {
                    keys.Write(m.LatencyHistogram, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                }
            }

            await keys.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>Daily rows are sums of the hourly ones (histograms bucket by bucket).</summary>
    public static async Task DeriveDaysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime fromDay, DateTime toDay, CancellationToken cancellationToken)
    {
        foreach (var table in Tables)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table}_daily WHERE bucket >= $1 AND bucket < $2", fromDay, toDay, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO rollup_spans_daily
            SELECT date_trunc('day', bucket, 'UTC'), project_id, team, feature, customer, model, provider, service, tier,
                   {BillingCallSums}
            FROM rollup_spans_hourly WHERE bucket >= $1 AND bucket < $2
            GROUP BY 1, project_id, team, feature, customer, model, provider, service, tier
            """, fromDay, toDay, cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO rollup_features_daily
            SELECT date_trunc('day', bucket, 'UTC'), project_id, team, feature, model, provider, tier,
                   {BillingCallSums}, routed
            FROM rollup_features_hourly WHERE bucket >= $1 AND bucket < $2
            GROUP BY 1, project_id, team, feature, model, provider, tier, routed
            """, fromDay, toDay, cancellationToken);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO rollup_traces_daily
            SELECT date_trunc('day', bucket, 'UTC'), project_id, team, feature,
                   sum(requests), sum(routed_requests), sum(cache_hit_requests), sum(fallback_requests), sum(retry_requests),
                   sum(error_requests), sum(cost_usd), sum(cache_hit_cost_usd), sum(duration_ms_sum),
                   sum(quality_check_spans), sum(routed_small), sum(routed_mid), sum(routed_frontier)
            FROM rollup_traces_hourly WHERE bucket >= $1 AND bucket < $2
            GROUP BY 1, project_id, team, feature
            """, fromDay, toDay, cancellationToken);
        await ExecuteAsync(connection, transaction, SumKeys("hourly", "day", "daily"), fromDay, toDay, cancellationToken);
    }

    /// <summary>
    /// Weekly rows of rollup_keys (ISO weeks, from Monday 00:00 UTC) are sums of the daily ones:
    /// the whole weeks holding [fromDay, toDay) are derived again, after their days.
    /// </summary>
    public static async Task DeriveWeeksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime fromDay, DateTime toDay, CancellationToken cancellationToken)
    {
        var fromWeek = IsoWeek.Start(fromDay);
        var toWeek = IsoWeek.Start(toDay.AddTicks(-1)).AddDays(7);
        await ExecuteAsync(connection, transaction, "DELETE FROM rollup_keys_weekly WHERE bucket >= $1 AND bucket < $2", fromWeek, toWeek, cancellationToken);
        await ExecuteAsync(connection, transaction, SumKeys("daily", "week", "weekly"), fromWeek, toWeek, cancellationToken);
    }

    /// <summary>Inserts rollup_keys_{to} rows summing the rollup_keys_{from} rows in [$1, $2), per <paramref name="unit"/> of date_trunc.</summary>
    private static string SumKeys(string from, string unit, string to) => $"""
        INSERT INTO rollup_keys_{to}
        SELECT date_trunc('{unit}', bucket, 'UTC'), project_id, dimension, key,
               sum(requests), sum(calls), sum(errors), sum(cost_usd), sum(input_tokens), sum(output_tokens),
               sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), rollup_histogram_sum(latency_histogram)
        FROM rollup_keys_{from} WHERE bucket >= $1 AND bucket < $2
        GROUP BY 1, project_id, dimension, key
        """;

    /// <summary>The measure columns rollup_spans and rollup_features share, summed in their order.</summary>
    private const string BillingCallSums =
        "sum(calls), sum(errors), sum(unpriced_calls), sum(cost_usd), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), "
        + "sum(cache_write_tokens), sum(reasoning_tokens), sum(fallback_calls), sum(retry_calls), sum(duration_ms_sum), sum(custom_model_calls)";

    /// <summary>The measure columns rollup_spans and rollup_features share, after their key columns.</summary>
    private static void WriteBillingCalls(NpgsqlBinaryImporter row, CallMeasures m)
    {
        WriteCalls(row, m, withUnpriced: true);
        row.Write(m.FallbackCalls, NpgsqlDbType.Bigint);
        row.Write(m.RetryCalls, NpgsqlDbType.Bigint);
        row.Write(m.DurationMsSum, NpgsqlDbType.Bigint);
        row.Write(m.CustomModelCalls, NpgsqlDbType.Bigint);
    }

    private static void WriteCalls(NpgsqlBinaryImporter row, CallMeasures m, bool withUnpriced)
    {
        row.Write(m.Calls, NpgsqlDbType.Bigint);
        row.Write(m.Errors, NpgsqlDbType.Bigint);
        if (withUnpriced)
        {
            row.Write(m.UnpricedCalls, NpgsqlDbType.Bigint);
        }

        row.Write(m.CostUsd, NpgsqlDbType.Numeric);
        row.Write(m.InputTokens, NpgsqlDbType.Bigint);
        row.Write(m.OutputTokens, NpgsqlDbType.Bigint);
        row.Write(m.CacheReadTokens, NpgsqlDbType.Bigint);
        row.Write(m.CacheWriteTokens, NpgsqlDbType.Bigint);
        row.Write(m.ReasoningTokens, NpgsqlDbType.Bigint);
    }

    private static void Text(NpgsqlBinaryImporter row, string? value)
    {
        if (value is null)
        {
            row.WriteNull();
        }
        else
        {
            row.Write(value, NpgsqlDbType.Text);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
