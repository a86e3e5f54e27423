using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;

namespace Tollgate.Analytics.Dependencies;

/// <summary>Reads spans as <see cref="DependencySpan"/>s, one trace at a time, so memory holds one trace and not a period.</summary>
internal static class DependencySpanReader
{
    /// <summary>
    /// Spans of one trace beyond this are ignored: a runaway trace must not hold a rollup's
    /// memory; ten thousand spans is far past any request worth drawing.
    /// </summary>
    public const int MaxSpansPerTrace = 10_000;

    /// <summary>
    /// The columns of a span as the map needs them, with "s" the spans alias; rows must come
    /// ordered by project and trace. Attributes come only where they can name a datastore.
    /// </summary>
    public const string Columns = """
        s.project_id, s.trace_id, s.span_id, s.parent_span_id, s.service, s.agent, s.tool, s.billing, s.provider, s.model,
        CASE WHEN s.attributes LIKE '%"db.system%' THEN s.attributes END, s.operation, s.start_time, s.end_time,
        s.status_code = 2, CASE WHEN s.billing THEN coalesce(s.provided_cost_usd, s.computed_cost_usd) END
        """;

    public static async IAsyncEnumerable<(int ProjectId, List<DependencySpan> Spans)> ReadTracesAsync(
        NpgsqlCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var current = new List<DependencySpan>();
        var currentProject = 0;
        byte[]? currentTraceId = null;
        var currentTrace = "";
        while (await reader.ReadAsync(cancellationToken))
        {
            var project = reader.GetInt32(0);
            var traceId = reader.GetFieldValue<byte[]>(1);
            var sameTrace = currentTraceId is not null && project == currentProject && traceId.AsSpan().SequenceEqual(currentTraceId);
            if (currentTraceId is not null && !sameTrace)
            {
                yield return (currentProject, current);
                current = [];
            }

            if (!sameTrace)
            {
                (currentProject, currentTraceId, currentTrace) = (project, traceId, Convert.ToHexStringLower(traceId));
            }

            if (current.Count >= MaxSpansPerTrace)
            {
                continue;
            }

            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var node = DependencyNodes.Of(Text(4), Text(5), Text(6), reader.GetBoolean(7), Text(8), Text(9), DatastoreName(Text(10)), Text(11));
            current.Add(new DependencySpan(
                currentTrace,
                Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(2)),
                reader.IsDBNull(3) ? null : Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(3)),
                node,
                reader.GetFieldValue<DateTime>(12),
                reader.GetFieldValue<DateTime>(13),
                reader.GetBoolean(14),
                reader.IsDBNull(15) ? null : reader.GetDecimal(15) / 1.000000000000000000000000000000000m,
                Text(5)));
        }

        if (currentTraceId is not null)
        {
            yield return (currentProject, current);
        }
    }

    /// <summary>
    /// The datastore a span's attributes name (db.system.name, else the older db.system), as
    /// PostgreSQL's ->> would read it; null when they name none or are not a JSON object.
    /// </summary>
    internal static string? DatastoreName(string? attributesJson)
    {
        if (attributesJson is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(attributesJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return Value(document.RootElement, "db.system.name") ?? Value(document.RootElement, "db.system");
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Value(JsonElement attributes, string key) => !attributes.TryGetProperty(key, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }
}
