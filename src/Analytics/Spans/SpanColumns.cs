using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Spans;

/// <summary>The span table's columns in COPY order, and how a <see cref="SpanRecord"/> fills them.</summary>
internal static class SpanColumns
{
    public const string List =
        "project_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, end_time, status_code, status_message, "
        + "operation, provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
        + "provided_cost_usd, computed_cost_usd, cost_source, price_id, billing, team, feature, customer, user_id, session_id, "
        + "agent, tool, attribution_explicit, cache_hit, route_decision, route_tier, fallback, retry_attempt, attributes";

    /// <summary>Binary COPY of the spans into the span table, inside the connection's transaction.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, List<SpanRecord> spans, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY spans ({List}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var span in spans)
        {
            await importer.StartRowAsync(cancellationToken);
            await WriteAsync(importer, span, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter row, SpanRecord s, CancellationToken ct)
    {
        await row.WriteAsync(s.ProjectId, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(s.TraceId, NpgsqlDbType.Bytea, ct);
        await row.WriteAsync(s.SpanId, NpgsqlDbType.Bytea, ct);
        await WriteNullableAsync(row, s.ParentSpanId, NpgsqlDbType.Bytea, ct);
        await WriteNullableAsync(row, s.Service, NpgsqlDbType.Text, ct);
        await row.WriteAsync(s.Name, NpgsqlDbType.Text, ct);
        await row.WriteAsync(s.Kind, NpgsqlDbType.Smallint, ct);
        await row.WriteAsync(s.StartTime, NpgsqlDbType.TimestampTz, ct);
        await row.WriteAsync(s.EndTime, NpgsqlDbType.TimestampTz, ct);
        await row.WriteAsync(s.StatusCode, NpgsqlDbType.Smallint, ct);
        await WriteNullableAsync(row, s.StatusMessage, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Operation, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Provider, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Model, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.InputTokens, NpgsqlDbType.Bigint, ct);
        await WriteNullableAsync(row, s.OutputTokens, NpgsqlDbType.Bigint, ct);
        await WriteNullableAsync(row, s.CacheReadTokens, NpgsqlDbType.Bigint, ct);
        await WriteNullableAsync(row, s.CacheWriteTokens, NpgsqlDbType.Bigint, ct);
        await WriteNullableAsync(row, s.ReasoningTokens, NpgsqlDbType.Bigint, ct);
        await WriteNullableAsync(row, s.ProvidedCostUsd, NpgsqlDbType.Numeric, ct);
        await WriteNullableAsync(row, s.ComputedCostUsd, NpgsqlDbType.Numeric, ct);
        await WriteNullableAsync(row, s.CostSource, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.PriceId, NpgsqlDbType.Integer, ct);
        await row.WriteAsync(s.Billing, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(row, s.Team, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Feature, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Customer, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.UserId, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.SessionId, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Agent, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.Tool, NpgsqlDbType.Text, ct);
        await row.WriteAsync((short)s.AttributionExplicit, NpgsqlDbType.Smallint, ct);
        await row.WriteAsync(s.CacheHit, NpgsqlDbType.Boolean, ct);
        await WriteNullableAsync(row, s.RouteDecision, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(row, s.RouteTier, NpgsqlDbType.Text, ct);
        await row.WriteAsync(s.Fallback, NpgsqlDbType.Boolean, ct);
        await row.WriteAsync(s.RetryAttempt, NpgsqlDbType.Integer, ct);
        await WriteNullableAsync(row, s.AttributesJson, NpgsqlDbType.Jsonb, ct);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter row, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? row.WriteNullAsync(ct) : row.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter row, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } v ? row.WriteAsync(v, type, ct) : row.WriteNullAsync(ct);
}
