using Npgsql;
using NpgsqlTypes;
using Tollgate.Analytics.Audit;

namespace Tollgate.Analytics.Revenue;

/// <summary>What storing revenue did: new figures, and figures that replaced earlier ones for the same period.</summary>
public sealed record RevenueImportSummary(int Inserted, int Replaced);

/// <summary>
/// The revenue table. Figures are stored all or nothing: one bad line refuses the whole set, so
/// a half-imported file never skews a P&amp;L.
/// </summary>
public sealed class RevenueStore(NpgsqlDataSource dataSource)
{
    /// <summary>Lines written per statement: a batch's arrays stay small, and an import reports progress after each.</summary>
    public const int BatchSize = 10_000;

    /// <summary>Stores valid lines (check them with <see cref="RevenueLine.Problem"/> first) in one transaction.</summary>
    /// <param name="projectId">The project the figures belong to.</param>
    /// <param name="lines">The figures.</param>
    /// <param name="actor">Who stores them, for the audit log.</param>
    /// <param name="afterBatch">Called with the lines written so far after each batch (not yet committed).</param>
    /// <param name="cancellationToken">Cancels and rolls back the whole set.</param>
    /// <exception cref="ArgumentException">A line is invalid or repeats another; nothing was stored.</exception>
    public async Task<RevenueImportSummary> StoreAsync(int projectId, IReadOnlyList<RevenueLine> lines, string actor,
        Func<int, Task>? afterBatch = null, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Problem() is { } problem)
            {
                throw new ArgumentException($"line {i + 1}: {problem}", nameof(lines));
            }
        }

        if (RevenueLine.Repeats(lines).Select(r => $"line {r.Index + 1} repeats the feature, customer and period of line {r.FirstIndex + 1}").FirstOrDefault() is { } repeat)
        {
            throw new ArgumentException(repeat, nameof(lines));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int inserted = 0, replaced = 0;
        for (var offset = 0; offset < lines.Count; offset += BatchSize)
        {
            var batch = lines.Skip(offset).Take(BatchSize).ToList();
            var (batchInserted, batchReplaced) = await UpsertAsync(connection, transaction, projectId, batch, actor, cancellationToken);
            inserted += batchInserted;
            replaced += batchReplaced;
            if (afterBatch is not null)
            {
                await afterBatch(offset + batch.Count);
            }
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "revenue.import", $"projects/{projectId}", null,
            new { lines = lines.Count, inserted, replaced }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RevenueImportSummary(inserted, replaced);
    }

    private static async Task<(int Inserted, int Replaced)> UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        int projectId, List<RevenueLine> lines, string actor, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO revenue (project_id, feature, customer, period_start, period_end, amount_usd, created_by)
            SELECT $1, f, NULLIF(c, ''), s, e, a, $7
            FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::numeric[]) AS t(f, c, s, e, a)
            ON CONFLICT (project_id, feature, (COALESCE(customer, '')), period_start, period_end)
            DO UPDATE SET amount_usd = EXCLUDED.amount_usd, created_by = EXCLUDED.created_by, created_at = now()
            RETURNING (xmax = 0)
            """, connection, transaction);
        command.Parameters.Add(new() { Value = projectId });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Feature!.Trim()).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Customer?.Trim() ?? "").ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.PeriodStart!.Value.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = lines.Select(l => l.PeriodEnd!.Value.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = lines.Select(l => l.AmountUsd!.Value).ToArray() });
        command.Parameters.Add(new() { Value = actor });
        int inserted = 0, replaced = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // xmax = 0 on a row inserted by this statement; an updated row carries its updater.
            if (reader.GetBoolean(0))
            {
                inserted++;
            }
            else
            {
                replaced++;
            }
        }

        return (inserted, replaced);
    }
}
