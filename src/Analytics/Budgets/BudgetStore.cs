using Npgsql;
using Tollgate.Analytics.Audit;
using Tollgate.Analytics.Projects;

namespace Tollgate.Analytics.Budgets;

/// <summary>
/// Creates, replaces, deletes and lists budgets. Every change is audited with the state before
/// and after in the same transaction, and the in-memory spend is reloaded at once so that the
/// next governance check sees the change.
/// </summary>
public sealed class BudgetStore(NpgsqlDataSource dataSource, SpendTracker tracker)
{
    /// <summary>
    /// Budgets are read whole into memory for every governance check; far more than any
    /// organisation sets by hand, and refused beyond so that memory stays bounded.
    /// </summary>
    public const int MaxBudgets = 10_000;

    private const string Select = """
        SELECT b.id, b.project_id, p.name, b.name, b.scope, b.scope_key, b.period, b.amount_usd, b.thresholds,
               b.webhook_url, b.slack_webhook_url, b.email_recipients, b.created_by, b.created_at, b.updated_at
        FROM budgets b JOIN projects p ON p.id = b.project_id
        """;

    public Task<IReadOnlyList<Budget>> ListAsync(CancellationToken cancellationToken = default) => ReadAllAsync(dataSource, cancellationToken);

    public async Task<Budget?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, id, lockRow: false, cancellationToken);
    }

    /// <returns>The stored budget, or null when <see cref="MaxBudgets"/> are stored already.</returns>
    public async Task<Budget?> CreateAsync(BudgetDefinition definition, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM budgets", connection, transaction))
        {
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= MaxBudgets)
            {
                return null;
            }
        }

        var projectId = await ProjectStore.EnsureAsync(connection, transaction, definition.Project, actor, cancellationToken);
        int id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO budgets (project_id, name, scope, scope_key, period, amount_usd, thresholds, webhook_url, slack_webhook_url, email_recipients, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.Add(new() { Value = projectId });
            AddDefinition(insert, definition);
            insert.Parameters.Add(new() { Value = actor });
            id = (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        var created = (await FindAsync(connection, transaction, id, lockRow: false, cancellationToken))!;
        await AuditLog.WriteAsync(connection, transaction, actor, "budgets.add", $"budgets/{id}", null, created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await tracker.ReloadAsync(cancellationToken);
        return created;
    }

    /// <summary>Replaces the budget's definition; alerts already raised this period stay raised.</summary>
    /// <returns>The budget after the change, or null when no budget has that id.</returns>
    public async Task<Budget?> UpdateAsync(int id, BudgetDefinition definition, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await FindAsync(connection, transaction, id, lockRow: true, cancellationToken) is not { } before)
        {
            return null;
        }

        var projectId = await ProjectStore.EnsureAsync(connection, transaction, definition.Project, actor, cancellationToken);
        await using (var update = new NpgsqlCommand("""
            UPDATE budgets SET project_id = $1, name = $2, scope = $3, scope_key = $4, period = $5, amount_usd = $6, thresholds = $7,
                webhook_url = $8, slack_webhook_url = $9, email_recipients = $10, updated_at = now()
            WHERE id = $11
            """, connection, transaction))
        {
            update.Parameters.Add(new() { Value = projectId });
            AddDefinition(update, definition);
            update.Parameters.Add(new() { Value = id });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var after = (await FindAsync(connection, transaction, id, lockRow: false, cancellationToken))!;
        await AuditLog.WriteAsync(connection, transaction, actor, "budgets.update", $"budgets/{id}", before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await tracker.ReloadAsync(cancellationToken);
        return after;
    }

    /// <summary>Deletes the budget with its alert history.</summary>
    /// <returns>The deleted budget, or null when no budget has that id.</returns>
    public async Task<Budget?> DeleteAsync(int id, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await FindAsync(connection, transaction, id, lockRow: true, cancellationToken) is not { } before)
        {
            return null;
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM budgets WHERE id = $1", connection, transaction))
        {
            delete.Parameters.Add(new() { Value = id });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "budgets.delete", $"budgets/{id}", before, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await tracker.ReloadAsync(cancellationToken);
        return before;
    }

    internal static async Task<IReadOnlyList<Budget>> ReadAllAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Select + $" ORDER BY b.id LIMIT {MaxBudgets}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var budgets = new List<Budget>();
        while (await reader.ReadAsync(cancellationToken))
        {
            budgets.Add(Read(reader));
        }

        return budgets;
    }

    private static async Task<Budget?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, int id, bool lockRow, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Select + " WHERE b.id = $1" + (lockRow ? " FOR UPDATE OF b" : ""), connection, transaction);
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static void AddDefinition(NpgsqlCommand command, BudgetDefinition d)
    {
        command.Parameters.Add(new() { Value = d.Name });
        command.Parameters.Add(new() { Value = d.Scope });
        command.Parameters.Add(new() { Value = (object?)d.ScopeKey ?? DBNull.Value });
        command.Parameters.Add(new() { Value = d.Period });
        command.Parameters.Add(new() { Value = d.AmountUsd });
        command.Parameters.Add(new() { Value = d.Thresholds.ToArray() });
        command.Parameters.Add(new() { Value = (object?)d.WebhookUrl ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)d.SlackWebhookUrl ?? DBNull.Value });
        command.Parameters.Add(new() { Value = d.EmailRecipients.ToArray() });
    }

    // numeric columns keep their scale (500.000000); clients expect 500.
    internal static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    private static Budget Read(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6),
        Trim(r.GetDecimal(7)), Array.ConvertAll(r.GetFieldValue<decimal[]>(8), Trim), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10),
        r.GetFieldValue<string[]>(11), r.GetString(12), r.GetDateTime(13), r.GetDateTime(14));
}
