using Npgsql;

namespace Tollgate.Analytics.Rollups;

/// <summary>Reads the spans that started in a range, in the shape the rollups need.</summary>
internal static class RollupSpanReader
{
    /// <summary>A model the organisation priced itself, or a fine-tune by the names providers give them.</summary>
    private const string CustomModel = """
        p.origin = 'custom' OR s.model ILIKE 'ft:%' OR s.model ILIKE '%:ft-%' OR s.model ILIKE '%fine-tuned%' OR s.model ILIKE '%finetuned%'
        """;

    /// <summary>OpenInference GUARDRAIL / EVALUATOR spans, or spans named so by hand-written instrumentation.</summary>
    private const string QualityCheck = """
        lower(s.operation) IN ('guardrail', 'evaluator', 'evaluation') OR s.name ILIKE '%guardrail%' OR s.name ILIKE '%eval%'
        """;

    public static async Task<List<RollupSpan>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime from, DateTime to, TierResolver tiers, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT s.project_id, s.trace_id, s.span_id, s.parent_span_id, s.service, s.start_time, s.end_time, s.status_code, s.provider, s.model,
                   s.input_tokens, s.output_tokens, s.cache_read_tokens, s.cache_write_tokens, s.reasoning_tokens,
                   coalesce(s.provided_cost_usd, s.computed_cost_usd), s.billing, s.team, s.feature, s.customer, s.user_id,
                   s.cache_hit, s.route_decision IS NOT NULL, s.route_tier, s.price_id, s.fallback, s.retry_attempt,
                   coalesce({CustomModel}, false), coalesce({QualityCheck}, false)
            FROM spans s LEFT JOIN prices p ON p.id = s.price_id
            WHERE s.start_time >= $1 AND s.start_time < $2
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
                CustomModel = reader.GetBoolean(27),
                QualityCheck = reader.GetBoolean(28),
            });
        }

        return spans;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Negative counts are bad client data; the cost formula counts them as zero too.
    private static long Long(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : Math.Max(0, reader.GetInt64(ordinal));
}
