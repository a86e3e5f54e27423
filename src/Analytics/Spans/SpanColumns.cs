using Npgsql;

namespace Tollgate.Analytics.Spans;

/// <summary>The span table's columns in COPY order, and how a <see cref="SpanRecord"/> fills them.</summary>
internal static class SpanColumns
{
    public const string List =
        "project_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, end_time, status_code, status_message, "
        + "operation, provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, "
        + "provided_cost_usd, computed_cost_usd, cost_source, price_id, billing, team, feature, customer, user_id, session_id, "
        + "agent, tool, attribution_explicit, cache_hit, route_decision, route_tier, fallback, retry_attempt, attributes, response_id";

    /// <summary>The number of columns in <see cref="List"/>: each row of the COPY carries this many fields.</summary>
    public const short Count = 39;

    /// <summary>Encoded rows are sent once this many bytes are waiting (and at the end).</summary>
    private const int SendAt = 256 * 1024;

    /// <summary>Binary COPY of the spans into the span table, inside the connection's transaction.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, List<SpanRecord> spans, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY spans ({List}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        using var rows = new BinaryCopyWriter(SendAt + (64 * 1024));
        try
        {
            rows.WriteHeader();
            foreach (var span in spans)
            {
                Write(rows, span);
                if (rows.Length >= SendAt)
                {
                    await copy.WriteAsync(rows.Written, cancellationToken);
                    rows.Clear();
                }
            }

            rows.WriteTrailer();
            await copy.WriteAsync(rows.Written, cancellationToken);
        }
        catch
        {
            // Ending the stream would ask the server to take a COPY cut off mid-row: abandon it
            // instead, so the error that stopped the encoding is the one raised.
            try
            {
                await copy.CancelAsync();
            }
            catch (NpgsqlException)
            {
                // The connection broke (often what stopped the COPY): the transaction goes with it.
            }

            throw;
        }

        // Disposing the stream ends the COPY; the server's verdict (a constraint, a value out of range) is raised there.
    }

    private static void Write(BinaryCopyWriter row, SpanRecord s)
    {
        row.StartRow(Count);
        row.Int32(s.ProjectId);
        row.Bytes(s.TraceId);
        row.Bytes(s.SpanId);
        row.Bytes(s.ParentSpanId);
        row.Text(s.Service);
        row.Text(s.Name);
        row.Int16(s.Kind);
        row.TimestampTz(s.StartTime);
        row.TimestampTz(s.EndTime);
        row.Int16(s.StatusCode);
        row.Text(s.StatusMessage);
        row.Text(s.Operation);
        row.Text(s.Provider);
        row.Text(s.Model);
        row.Int64(s.InputTokens);
        row.Int64(s.OutputTokens);
        row.Int64(s.CacheReadTokens);
        row.Int64(s.CacheWriteTokens);
        row.Int64(s.ReasoningTokens);
        row.Numeric(s.ProvidedCostUsd);
        row.Numeric(s.ComputedCostUsd);
        row.Text(s.CostSource);
        row.Int32(s.PriceId);
        row.Boolean(s.Billing);
        row.Text(s.Team);
        row.Text(s.Feature);
        row.Text(s.Customer);
        row.Text(s.UserId);
        row.Text(s.SessionId);
        row.Text(s.Agent);
        row.Text(s.Tool);
        row.Int16((short)s.AttributionExplicit);
        row.Boolean(s.CacheHit);
        row.Text(s.RouteDecision);
        row.Text(s.RouteTier);
        row.Boolean(s.Fallback);
        row.Int32(s.RetryAttempt);
        row.Text(s.AttributesJson);
        row.Text(s.ResponseId);
    }
}
