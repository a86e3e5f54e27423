using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Storage;

namespace Tollgate.Analytics.Spans;

/// <summary>What one write did: spans stored, spans already stored (re-sent), stored spans corrected.</summary>
public readonly record struct SpanWriteResult(int Inserted, int Duplicates, int Corrected);

/// <summary>
/// The only way spans reach the database. One transaction per call: it reads the spans already
/// stored for the batch's traces, drops re-sent spans (so retries never double a bill), resolves
/// trace-level attribution and billing over stored and new spans together, COPYs the new spans
/// and corrects stored ones whose inherited values changed (a root arriving after its children).
/// </summary>
public sealed class SpanWriter(NpgsqlDataSource dataSource, SpanPartitions partitions, ILogger<SpanWriter> logger)
{
    /// <summary>
    /// How far around the batch's start times stored spans of the same traces are looked for.
    /// Bounds the lookup to a few partitions; a trace longer than this is resolved in parts.
    /// </summary>
    public static readonly TimeSpan TraceWindow = TimeSpan.FromHours(6);

    private const string UniqueViolation = "23505";

    public async Task<SpanWriteResult> WriteAsync(IReadOnlyList<SpanRecord> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0)
        {
            return default;
        }

        var spans = Deduplicate(batch, out var duplicatesInBatch);
        var minStart = spans.Min(s => s.StartTime);
        var maxStart = spans.Max(s => s.StartTime);
        await partitions.EnsureAsync(minStart, maxStart, cancellationToken);

        // A concurrent writer (another ingest instance) may store one of these spans between our
        // lookup and our COPY; the primary key then refuses the COPY and a second pass skips it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await WriteOnceAsync(spans, minStart, maxStart, cancellationToken);
                return result with { Duplicates = result.Duplicates + duplicatesInBatch };
            }
            catch (PostgresException ex) when (ex.SqlState == UniqueViolation && attempt < 3)
            {
                logger.LogInformation("Spans were stored concurrently by another writer; retrying the batch");
            }
        }
    }

    private async Task<SpanWriteResult> WriteOnceAsync(List<SpanRecord> spans, DateTime minStart, DateTime maxStart, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var fresh = new List<SpanRecord>(spans.Count);
        var corrections = new List<StoredNode>();
        var duplicates = 0;
        foreach (var projectGroup in spans.GroupBy(s => s.ProjectId))
        {
            var stored = await LoadStoredAsync(connection, projectGroup.Key, projectGroup, minStart - TraceWindow, maxStart + TraceWindow, cancellationToken);
            foreach (var traceGroup in projectGroup.GroupBy(s => new TraceKey(s.TraceId)))
            {
                stored.TryGetValue(traceGroup.Key, out var storedNodes);
                storedNodes ??= [];
                var storedIds = storedNodes.Select(n => new SpanKey(n.Node.SpanId)).ToHashSet();
                var newSpans = new List<SpanRecord>();
                foreach (var span in traceGroup)
                {
                    if (storedIds.Contains(new SpanKey(span.SpanId)))
                    {
                        duplicates++;
                    }
                    else
                    {
                        newSpans.Add(span);
                    }
                }

                Resolve(newSpans, storedNodes, corrections);
                fresh.AddRange(newSpans);
            }
        }

        if (fresh.Count > 0)
        {
            await SpanColumns.CopyAsync(connection, fresh, cancellationToken);
        }

        if (corrections.Count > 0)
        {
            await CorrectAsync(connection, corrections, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new SpanWriteResult(fresh.Count, duplicates, corrections.Count);
    }

    private static void Resolve(List<SpanRecord> newSpans, List<StoredNode> storedNodes, List<StoredNode> corrections)
    {
        var nodes = new List<TraceNode>(newSpans.Count + storedNodes.Count);
        var newNodes = new List<TraceNode>(newSpans.Count);
        foreach (var span in newSpans)
        {
            var node = new TraceNode
            {
                SpanId = span.SpanId,
                ParentSpanId = span.ParentSpanId,
                StartTime = span.StartTime,
                Explicit = span.AttributionExplicit,
                OwnTeam = span.Team,
                OwnFeature = span.Feature,
                OwnCustomer = span.Customer,
                IsInference = span.IsInference,
                HasUsage = span.HasUsage,
                ResponseId = span.ResponseId,
            };
            newNodes.Add(node);
            nodes.Add(node);
        }

        nodes.AddRange(storedNodes.Select(s => s.Node));
        TraceResolver.Resolve(nodes);

        for (var i = 0; i < newSpans.Count; i++)
        {
            newSpans[i].Team = newNodes[i].Team;
            newSpans[i].Feature = newNodes[i].Feature;
            newSpans[i].Customer = newNodes[i].Customer;
            newSpans[i].Billing = newNodes[i].Billing;
        }

        foreach (var stored in storedNodes)
        {
            var node = stored.Node;
            if (node.Team != stored.Team || node.Feature != stored.Feature || node.Customer != stored.Customer || node.Billing != stored.Billing)
            {
                corrections.Add(stored);
            }
        }
    }

    private static List<SpanRecord> Deduplicate(IReadOnlyList<SpanRecord> batch, out int duplicates)
    {
        var seen = new HashSet<(int, TraceKey, SpanKey)>();
        var result = new List<SpanRecord>(batch.Count);
        foreach (var span in batch)
        {
            if (seen.Add((span.ProjectId, new TraceKey(span.TraceId), new SpanKey(span.SpanId))))
            {
                result.Add(span);
            }
        }

        duplicates = batch.Count - result.Count;
        return result;
    }

    private static async Task<Dictionary<TraceKey, List<StoredNode>>> LoadStoredAsync(
        NpgsqlConnection connection, int projectId, IEnumerable<SpanRecord> spans, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var traceIds = spans.Select(s => s.TraceId).DistinctBy(id => new TraceKey(id)).ToArray();
        // A partition filled since its last ANALYZE has no statistics, and the planner then
        // misjudges this lookup: it scanned the whole partition, or every span of the time range
        // while filtering on the trace ids (300 ms a batch at 600,000 spans). One probe of the
        // key per trace id, forced by the lateral subquery (OFFSET 0 keeps it from being turned
        // into a join), stays a handful of index pages per trace however stale the statistics.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_seqscan = off"));
        var command = new NpgsqlBatchCommand("""
            SELECT s.trace_id, s.span_id, s.parent_span_id, s.start_time, s.attribution_explicit, s.team, s.feature, s.customer,
                   s.billing, s.operation, s.has_usage, s.response_id
            FROM unnest($2::bytea[]) AS t(trace_id)
            CROSS JOIN LATERAL (
                SELECT trace_id, span_id, parent_span_id, start_time, attribution_explicit, team, feature, customer, billing, operation,
                       (input_tokens IS NOT NULL OR output_tokens IS NOT NULL OR provided_cost_usd IS NOT NULL) AS has_usage, response_id
                FROM spans
                WHERE project_id = $1 AND trace_id = t.trace_id AND start_time >= $3 AND start_time < $4
                OFFSET 0) s
            """);
        command.Parameters.Add(new() { Value = projectId });
        command.Parameters.Add(new() { Value = traceIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        batch.BatchCommands.Add(command);

        var result = new Dictionary<TraceKey, List<StoredNode>>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var traceId = (byte[])reader[0];
            var explicitBits = (Attribution)reader.GetInt16(4);
            var team = reader.IsDBNull(5) ? null : reader.GetString(5);
            var feature = reader.IsDBNull(6) ? null : reader.GetString(6);
            var customer = reader.IsDBNull(7) ? null : reader.GetString(7);
            var node = new TraceNode
            {
                SpanId = (byte[])reader[1],
                ParentSpanId = reader.IsDBNull(2) ? null : (byte[])reader[2],
                StartTime = reader.GetDateTime(3),
                Explicit = explicitBits,
                // A stored span's own value is its stored value wherever it set one itself.
                OwnTeam = (explicitBits & Attribution.Team) != 0 ? team : null,
                OwnFeature = (explicitBits & Attribution.Feature) != 0 ? feature : null,
                OwnCustomer = (explicitBits & Attribution.Customer) != 0 ? customer : null,
                IsInference = Operations.IsInference(reader.IsDBNull(9) ? null : reader.GetString(9)),
                HasUsage = reader.GetBoolean(10),
                ResponseId = reader.IsDBNull(11) ? null : reader.GetString(11),
            };
            var key = new TraceKey(traceId);
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(new StoredNode(projectId, traceId, node, team, feature, customer, reader.GetBoolean(8)));
        }

        return result;
    }

    // ingested_at moves so that the rollup job, which follows it, recomputes the corrected spans' hours.
    private static async Task CorrectAsync(NpgsqlConnection connection, List<StoredNode> corrections, CancellationToken cancellationToken)
    {
        foreach (var projectGroup in corrections.GroupBy(c => c.ProjectId))
        {
            var rows = projectGroup.ToList();
            await using var command = new NpgsqlCommand("""
                UPDATE spans s SET team = u.team, feature = u.feature, customer = u.customer, billing = u.billing, ingested_at = now()
                FROM unnest($2::bytea[], $3::bytea[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::boolean[])
                     AS u(trace_id, span_id, start_time, team, feature, customer, billing)
                WHERE s.project_id = $1 AND s.trace_id = u.trace_id AND s.span_id = u.span_id AND s.start_time = u.start_time
                """, connection);
            command.Parameters.Add(new() { Value = projectGroup.Key });
            command.Parameters.Add(new() { Value = rows.Select(r => r.TraceId).ToArray() });
            command.Parameters.Add(new() { Value = rows.Select(r => r.Node.SpanId).ToArray() });
            command.Parameters.Add(new() { Value = rows.Select(r => r.Node.StartTime).ToArray() });
            command.Parameters.Add(new() { Value = rows.Select(r => r.Node.Team).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = rows.Select(r => r.Node.Feature).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = rows.Select(r => r.Node.Customer).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = rows.Select(r => r.Node.Billing).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record StoredNode(int ProjectId, byte[] TraceId, TraceNode Node, string? Team, string? Feature, string? Customer, bool Billing);
}
