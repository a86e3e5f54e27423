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
    /// <summary>Stores valid lines (check them with <see cref="RevenueLine.Problem"/> first).</summary>
    /// <exception cref="ArgumentException">A line is invalid; nothing was stored.</exception>
    public async Task<RevenueImportSummary> StoreAsync(int projectId, IReadOnlyList<RevenueLine> lines, string actor, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Problem() is { } problem)
            {
                throw new ArgumentException($"line {i + 1}: {problem}", nameof(lines));
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
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
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
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
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "revenue.import", $"projects/{projectId}", null,
            new { lines = lines.Count, inserted, replaced }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RevenueImportSummary(inserted, replaced);
    }
}
