using Microsoft.EntityFrameworkCore;
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

    public async Task<IReadOnlyList<SpanRecord>> TraceAsync(byte[] traceId, int? projectId, CancellationToken cancellationToken = default)
    {
        var query = db.Spans.AsNoTracking().Where(s => s.TraceId == traceId);
        if (projectId is { } project)
        {
            query = query.Where(s => s.ProjectId == project);
        }

        return await query.OrderBy(s => s.StartTime).Take(MaxSpansPerTrace).ToListAsync(cancellationToken);
    }

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
