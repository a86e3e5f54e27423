using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tollgate.Analytics.Storage;

namespace Tollgate.Analytics.Spans;

/// <summary>A model seen with usage that no catalogue price matched and no span priced itself.</summary>
public sealed record UnpricedModel(string? Provider, string Model, long Spans, long InputTokens, long OutputTokens, DateTime LastSeen);

/// <summary>
/// The only place raw spans are read (trace views and ingest diagnostics); dashboards read
/// rollups. Keeping reads here lets a columnar store take over for large deployments.
/// </summary>
public sealed class SpanQuery(TollgateDbContext db)
{
    /// <summary>Bounds one trace view: a runaway trace should not load millions of rows.</summary>
    public const int MaxSpansPerTrace = 10_000;

    /// <summary>
    /// One project's spans of a trace. A trace id is the sender's: two projects can use the same
    /// one, and their spans are never shown together.
    /// </summary>
    public async Task<IReadOnlyList<SpanRecord>> TraceAsync(byte[] traceId, int projectId, CancellationToken cancellationToken = default) =>
        await db.Spans.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.TraceId == traceId)
            .OrderBy(s => s.StartTime).Take(MaxSpansPerTrace)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The trace of the given project, or, without one, of the only project that holds that trace
    /// id. With several, no spans: <see cref="FoundTrace.Projects"/> lists them to choose from.
    /// </summary>
    public async Task<FoundTrace> FindTraceAsync(byte[] traceId, int? projectId, CancellationToken cancellationToken = default)
    {
        if (projectId is null)
        {
            // One primary-key probe per project, instead of a scan for the id alone.
            var projects = await db.Projects.AsNoTracking()
                .Where(p => db.Spans.Any(s => s.ProjectId == p.Id && s.TraceId == traceId))
                .OrderBy(p => p.Id).Select(p => p.Id)
                .ToListAsync(cancellationToken);
            if (projects.Count != 1)
            {
                return new FoundTrace(null, [], projects);
            }

            projectId = projects[0];
        }

        return new FoundTrace(projectId, await TraceAsync(traceId, projectId.Value, cancellationToken), [projectId.Value]);
    }

    /// <summary>The widest time window one trace search may scan: the list is for recent traffic, rollups answer for longer.</summary>
    public static readonly TimeSpan MaxSearchWindow = TimeSpan.FromDays(7);

    /// <summary>At most this many of the newest matching traces are considered, however deep someone pages.</summary>
    public const int MaxSearchTraces = 5_000;

    /// <summary>A page of the trace list holds at most this many traces.</summary>
    public const int MaxPageSize = 200;

    /// <summary>The live check on the Connect page shows at most this many spans.</summary>
    public const int MaxRecentSpans = 50;

    /// <summary>
    /// The newest traces that match the filter, newest first. A trace matches when one of its spans
    /// in the window matches every span-level filter (attribution is inherited across the trace, so
    /// a team or feature is on every span); the cost filter applies to the trace's billing total.
    /// </summary>
    public async Task<TracePage> SearchTracesAsync(TraceFilter filter, int offset, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        offset = Math.Clamp(offset, 0, MaxSearchTraces);
        var from = filter.FromUtc;
        if (filter.ToUtc - from > MaxSearchWindow)
        {
            from = filter.ToUtc - MaxSearchWindow;
        }

        var where = new List<string> { "start_time >= @from", "start_time < @to" };
        var parameters = new List<NpgsqlParameter>
        {
            new("from", DateTime.SpecifyKind(from, DateTimeKind.Utc)),
            new("to", DateTime.SpecifyKind(filter.ToUtc, DateTimeKind.Utc)),
            new("cap", MaxSearchTraces),
            new("limit", pageSize + 1),
            new("offset", offset),
        };
        void Equal(string column, object? value)
        {
            if (value is null || value is string { Length: 0 })
            {
                return;
            }

            where.Add($"{column} = @{column}");
            parameters.Add(new(column, value));
        }

        Equal("project_id", filter.ProjectId);
        Equal("team", filter.Team?.Trim());
        Equal("feature", filter.Feature?.Trim());
        Equal("customer", filter.Customer?.Trim());
        Equal("model", filter.Model?.Trim());
        if (filter.ErrorsOnly)
        {
            where.Add("status_code = 2");
        }

        var having = "";
        if (filter.MinCostUsd is { } minCost)
        {
            having = "HAVING coalesce(sum(coalesce(s.provided_cost_usd, s.computed_cost_usd)) FILTER (WHERE s.billing), 0) > @minCost";
            parameters.Add(new("minCost", minCost));
        }

        var sql = $"""
            WITH candidates AS (
                SELECT project_id, trace_id FROM spans
                WHERE {string.Join(" AND ", where)}
                GROUP BY project_id, trace_id
                ORDER BY min(start_time) DESC
                LIMIT @cap
            )
            SELECT s.project_id, s.trace_id, min(s.start_time), max(s.end_time),
                (array_agg(s.name ORDER BY s.start_time) FILTER (WHERE s.parent_span_id IS NULL))[1],
                (array_agg(s.service ORDER BY s.start_time) FILTER (WHERE s.parent_span_id IS NULL))[1],
                (array_agg(s.team ORDER BY s.parent_span_id IS NOT NULL, s.start_time) FILTER (WHERE s.team IS NOT NULL))[1],
                (array_agg(s.feature ORDER BY s.parent_span_id IS NOT NULL, s.start_time) FILTER (WHERE s.feature IS NOT NULL))[1],
                (array_agg(s.customer ORDER BY s.parent_span_id IS NOT NULL, s.start_time) FILTER (WHERE s.customer IS NOT NULL))[1],
                coalesce(array_agg(DISTINCT s.model) FILTER (WHERE s.model IS NOT NULL), ARRAY[]::text[]),
                coalesce(sum(coalesce(s.provided_cost_usd, s.computed_cost_usd)) FILTER (WHERE s.billing), 0),
                count(*)::int,
                (count(*) FILTER (WHERE s.status_code = 2))::int
            FROM spans s JOIN candidates c ON c.project_id = s.project_id AND c.trace_id = s.trace_id
            WHERE s.start_time >= @from AND s.start_time < @to
            GROUP BY s.project_id, s.trace_id
            {having}
            ORDER BY min(s.start_time) DESC, s.trace_id, s.project_id
            LIMIT @limit OFFSET @offset
            """;
        var rows = await ReadAsync(sql, parameters.ToArray(), reader => new TraceSummary(
            reader.GetInt32(0), (byte[])reader[1], reader.GetDateTime(2), reader.GetDateTime(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetFieldValue<string[]>(9),
            reader.GetDecimal(10), reader.GetInt32(11), reader.GetInt32(12)), cancellationToken);
        var hasMore = rows.Count > pageSize;
        return new TracePage(hasMore ? rows[..pageSize] : rows, hasMore);
    }

    /// <summary>
    /// Per service, which usage fields its model calls carried in the window (at most
    /// <see cref="UsageCoverage.MaxWindow"/>, ending at <paramref name="toUtc"/>). A call counts as
    /// streamed when its instrumentation says so (<c>gen_ai.request.stream</c> or OpenLLMetry's
    /// <c>llm.is_streaming</c>); libraries that do not say so are not counted there.
    /// </summary>
    public async Task<IReadOnlyList<ServiceCoverage>> UsageCoverageAsync(int projectId, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        if (toUtc - fromUtc > UsageCoverage.MaxWindow)
        {
            fromUtc = toUtc - UsageCoverage.MaxWindow;
        }

        const string sql = """
            SELECT coalesce(service, ''), count(*),
                count(*) FILTER (WHERE NOT has_usage),
                count(*) FILTER (WHERE cache_read_tokens IS NOT NULL OR cache_write_tokens IS NOT NULL),
                count(*) FILTER (WHERE reasoning_tokens IS NOT NULL),
                count(*) FILTER (WHERE provided_cost_usd IS NOT NULL),
                count(*) FILTER (WHERE streamed),
                count(*) FILTER (WHERE streamed AND NOT has_usage),
                max(start_time)
            FROM (
                SELECT service, cache_read_tokens, cache_write_tokens, reasoning_tokens, provided_cost_usd, start_time,
                    (input_tokens IS NOT NULL OR output_tokens IS NOT NULL OR provided_cost_usd IS NOT NULL) AS has_usage,
                    coalesce(attributes ~ '"(gen_ai\.request\.stream|llm\.is_streaming)": ?(true|"true")', false) AS streamed
                FROM spans
                WHERE project_id = @project AND start_time >= @from AND start_time < @to AND billing
            ) calls
            GROUP BY 1
            ORDER BY 2 DESC, 1
            LIMIT @limit
            """;
        return await ReadAsync(sql,
            [new("project", projectId), new("from", DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc)), new("to", DateTime.SpecifyKind(toUtc, DateTimeKind.Utc)),
                new("limit", UsageCoverage.MaxServices)],
            reader => new ServiceCoverage(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetDateTime(8)),
            cancellationToken);
    }

    /// <summary>Runs SQL on the context's connection, opening it for the call when it is closed.</summary>
    private async Task<List<T>> ReadAsync<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(row(reader));
            }

            return rows;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>The newest spans of a project that started in the window, newest first (the Connect page's live check).</summary>
    public async Task<IReadOnlyList<SpanRecord>> RecentSpansAsync(int projectId, DateTime sinceUtc, DateTime untilUtc, int limit, CancellationToken cancellationToken = default) =>
        await db.Spans.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.StartTime >= sinceUtc && s.StartTime < untilUtc)
            .OrderByDescending(s => s.StartTime)
            .Take(Math.Clamp(limit, 1, MaxRecentSpans))
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<UnpricedModel>> UnpricedModelsAsync(DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken = default)
    {
        var rows = await db.Spans.AsNoTracking()
            .Where(s => s.StartTime >= fromUtc && s.StartTime < toUtc && s.Model != null && s.CostSource == null
                && (s.InputTokens != null || s.OutputTokens != null))
            .GroupBy(s => new { s.Provider, s.Model })
            .Select(g => new { g.Key.Provider, g.Key.Model, Spans = g.LongCount(), Input = g.Sum(s => s.InputTokens ?? 0), Output = g.Sum(s => s.OutputTokens ?? 0), LastSeen = g.Max(s => s.StartTime) })
            .OrderByDescending(m => m.Spans)
            .Take(500)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new UnpricedModel(r.Provider, r.Model!, r.Spans, r.Input, r.Output, r.LastSeen)).ToList();
    }
}
