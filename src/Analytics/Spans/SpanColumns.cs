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
        + "agent, tool, attribution_explicit, cache_hit, route_decision, route_tier, fallback, retry_attempt, attributes, response_id";

    /// <summary>Binary COPY of the spans into the span table, inside the connection's transaction.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, List<SpanRecord> spans, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY spans ({List}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var span in spans)
        {
            // Synchronous writes fill Npgsql's buffer and flush only when it is full: one
            // awaited call per value costs more CPU than the encoding itself.
            importer.StartRow();
            Write(importer, span);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static void Write(NpgsqlBinaryImporter row, SpanRecord s)
    {
        row.Write(s.ProjectId, NpgsqlDbType.Integer);
        row.Write(s.TraceId, NpgsqlDbType.Bytea);
        row.Write(s.SpanId, NpgsqlDbType.Bytea);
        WriteNullable(row, s.ParentSpanId, NpgsqlDbType.Bytea);
        WriteNullable(row, s.Service, NpgsqlDbType.Text);
        row.Write(s.Name, NpgsqlDbType.Text);
        row.Write(s.Kind, NpgsqlDbType.Smallint);
        row.Write(s.StartTime, NpgsqlDbType.TimestampTz);
        row.Write(s.EndTime, NpgsqlDbType.TimestampTz);
        row.Write(s.StatusCode, NpgsqlDbType.Smallint);
        WriteNullable(row, s.StatusMessage, NpgsqlDbType.Text);
        WriteNullable(row, s.Operation, NpgsqlDbType.Text);
        WriteNullable(row, s.Provider, NpgsqlDbType.Text);
        WriteNullable(row, s.Model, NpgsqlDbType.Text);
        WriteNullable(row, s.InputTokens, NpgsqlDbType.Bigint);
        WriteNullable(row, s.OutputTokens, NpgsqlDbType.Bigint);
        WriteNullable(row, s.CacheReadTokens, NpgsqlDbType.Bigint);
        WriteNullable(row, s.CacheWriteTokens, NpgsqlDbType.Bigint);
        WriteNullable(row, s.ReasoningTokens, NpgsqlDbType.Bigint);
        WriteNullable(row, s.ProvidedCostUsd, NpgsqlDbType.Numeric);
        WriteNullable(row, s.ComputedCostUsd, NpgsqlDbType.Numeric);
        WriteNullable(row, s.CostSource, NpgsqlDbType.Text);
        WriteNullable(row, s.PriceId, NpgsqlDbType.Integer);
        row.Write(s.Billing, NpgsqlDbType.Boolean);
        WriteNullable(row, s.Team, NpgsqlDbType.Text);
        WriteNullable(row, s.Feature, NpgsqlDbType.Text);
        WriteNullable(row, s.Customer, NpgsqlDbType.Text);
        WriteNullable(row, s.UserId, NpgsqlDbType.Text);
        WriteNullable(row, s.SessionId, NpgsqlDbType.Text);
        WriteNullable(row, s.Agent, NpgsqlDbType.Text);
        WriteNullable(row, s.Tool, NpgsqlDbType.Text);
        row.Write((short)s.AttributionExplicit, NpgsqlDbType.Smallint);
        row.Write(s.CacheHit, NpgsqlDbType.Boolean);
        WriteNullable(row, s.RouteDecision, NpgsqlDbType.Text);
        WriteNullable(row, s.RouteTier, NpgsqlDbType.Text);
        row.Write(s.Fallback, NpgsqlDbType.Boolean);
        row.Write(s.RetryAttempt, NpgsqlDbType.Integer);
        WriteNullable(row, s.AttributesJson, NpgsqlDbType.Text);
        WriteNullable(row, s.ResponseId, NpgsqlDbType.Text);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter row, T? value, NpgsqlDbType type)
        where T : class
    {
        if (value is null)
        {
            row.WriteNull();
        }
        else
        {
            row.Write(value, type);
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter row, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is { } v)
        {
            row.Write(v, type);
        }
        else
        {
            row.WriteNull();
        }
    }
}
