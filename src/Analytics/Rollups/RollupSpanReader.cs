using Npgsql;

namespace Tollgate.Analytics.Rollups;

/// <summary>Reads the spans that started in a range, in the shape the rollups need.</summary>
internal static class RollupSpanReader
{
    public static async Task<List<RollupSpan>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime from, DateTime to, TierResolver tiers, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT project_id, trace_id, span_id, parent_span_id, service, start_time, end_time, status_code, provider, model,
                   input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
                   coalesce(provided_cost_usd, computed_cost_usd), billing, team, feature, customer, user_id,
                   cache_hit, route_decision IS NOT NULL, route_tier, price_id, fallback, retry_attempt
            FROM spans WHERE start_time >= $1 AND start_time < $2
            """, connection, transaction);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var spans = new List<RollupSpan>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var provider = Text(reader, 8);
            var model = Text(reader, 9);
            var start = reader.GetDateTime(5);
            spans.Add(new RollupSpan
            {
                ProjectId = reader.GetInt32(0),
                TraceId = reader.GetFieldValue<byte[]>(1),
                SpanId = reader.GetFieldValue<byte[]>(2),
                ParentSpanId = reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                Service = Text(reader, 4),
                StartTime = start,
                EndTime = reader.GetDateTime(6),
                StatusCode = reader.GetInt16(7),
                Provider = provider,
                Model = model,
                InputTokens = Long(reader, 10),
                OutputTokens = Long(reader, 11),
                CacheReadTokens = Long(reader, 12),
                CacheWriteTokens = Long(reader, 13),
                ReasoningTokens = Long(reader, 14),
                CostUsd = reader.IsDBNull(15) ? null : reader.GetDecimal(15),
                Billing = reader.GetBoolean(16),
                Team = Text(reader, 17),
                Feature = Text(reader, 18),
                Customer = Text(reader, 19),
                UserId = Text(reader, 20),
                CacheHit = reader.GetBoolean(21),
                Routed = reader.GetBoolean(22),
                Tier = tiers.Tier(Text(reader, 23), reader.IsDBNull(24) ? null : reader.GetInt32(24), provider, model, start),
                Fallback = reader.GetBoolean(25),
                RetryAttempt = reader.GetInt32(26),
            });
        }

        return spans;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Negative counts are bad client data; the cost formula counts them as zero too.
    private static long Long(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : Math.Max(0, reader.GetInt64(ordinal));
}
