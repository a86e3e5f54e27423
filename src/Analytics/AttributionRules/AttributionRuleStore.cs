using Npgsql;
using Tollgate.Analytics.Audit;
using Tollgate.Analytics.Projects;

namespace Tollgate.Analytics.AttributionRules;

/// <summary>An attribute key of a team's own naming that is read as a team, feature or customer.</summary>
public sealed record AttributionRule(int Id, string Project, string AttributeKey, string Target, string CreatedBy, DateTime CreatedAt);

/// <summary>
/// Admin-defined attribution rules. Systems that already tag their spans with their own keys
/// (<c>app.squad</c>, <c>billing.account</c>) get attributed without changing their code. The
/// contract's keys always win over a rule; rules apply to spans received after they are added.
/// </summary>
public sealed class AttributionRuleStore(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlyList<string> Targets = ["team", "feature", "customer"];

    /// <summary>The receiver compares keys of up to this length; no real attribute key is longer.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>Every rule is checked for each unknown attribute of each span: keep the list short.</summary>
    public const int MaxRulesPerProject = 50;

    /// <summary>Why a rule cannot be added, or null when it can.</summary>
    public static string? Problem(string? attributeKey, string? target)
    {
        if (string.IsNullOrWhiteSpace(attributeKey) || attributeKey.Length > MaxKeyLength || attributeKey.Any(char.IsWhiteSpace))
        {
            return $"Give attributeKey: the attribute's key as your spans carry it, 1 to {MaxKeyLength} characters without spaces, for example 'app.squad'.";
        }

        return target is null || !Targets.Contains(target)
            ? "Give target: one of team, feature, customer."
            : null;
    }

    public async Task<IReadOnlyList<AttributionRule>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT r.id, p.name, r.attribute_key, r.target, r.created_by, r.created_at
            FROM attribution_rules r JOIN projects p ON p.id = r.project_id
            ORDER BY p.name, r.attribute_key
            """);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>The rules of one project, as the receiver applies them: key → target.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ForProjectAsync(int projectId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT attribute_key, target FROM attribution_rules WHERE project_id = $1 ORDER BY id LIMIT " + MaxRulesPerProject);
        command.Parameters.Add(new() { Value = projectId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            rules[reader.GetString(0)] = reader.GetString(1);
        }

        return rules;
    }

    /// <summary>Adds a rule (audited), creating the project when it does not exist.</summary>
    /// <exception cref="ArgumentException">The rule is invalid.</exception>
    /// <exception cref="InvalidOperationException">The project has this key already, or has too many rules.</exception>
    public async Task<AttributionRule> AddAsync(string project, string attributeKey, string target, string actor, CancellationToken cancellationToken = default)
    {
        if (Problem(attributeKey, target) is { } problem)
        {
            throw new ArgumentException(problem, nameof(attributeKey));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var projectId = await ProjectStore.EnsureAsync(connection, transaction, project, actor, cancellationToken);
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM attribution_rules WHERE project_id = $1", connection, transaction))
        {
            count.Parameters.Add(new() { Value = projectId });
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= MaxRulesPerProject)
            {
                throw new InvalidOperationException($"Project '{project}' has {MaxRulesPerProject} rules already: delete one first.");
            }
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO attribution_rules (project_id, attribute_key, target, created_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (project_id, attribute_key) DO NOTHING
            RETURNING id, $5::text, attribute_key, target, created_by, created_at
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = projectId });
        insert.Parameters.Add(new() { Value = attributeKey });
        insert.Parameters.Add(new() { Value = target });
        insert.Parameters.Add(new() { Value = actor });
        insert.Parameters.Add(new() { Value = project });
        var rule = (await ReadAllAsync(insert, cancellationToken)).SingleOrDefault()
            ?? throw new InvalidOperationException($"Project '{project}' already has a rule for '{attributeKey}': delete it first to change its target.");
        await AuditLog.WriteAsync(connection, transaction, actor, "attribution-rules.add", $"attribution_rules/{rule.Id}", null, rule, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rule;
    }

    /// <summary>
    /// Changes a rule's key or target in place (audited), keeping its place among the project's rules;
    /// null when there is no rule with this id.
    /// </summary>
    /// <exception cref="ArgumentException">The rule is invalid.</exception>
    /// <exception cref="InvalidOperationException">The project has another rule for this key.</exception>
    public async Task<AttributionRule?> UpdateAsync(int id, string attributeKey, string target, string actor, CancellationToken cancellationToken = default)
    {
        if (Problem(attributeKey, target) is { } problem)
        {
            throw new ArgumentException(problem, nameof(attributeKey));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var read = new NpgsqlCommand("""
            SELECT r.id, p.name, r.attribute_key, r.target, r.created_by, r.created_at
            FROM attribution_rules r JOIN projects p ON p.id = r.project_id WHERE r.id = $1 FOR UPDATE OF r
            """, connection, transaction);
        read.Parameters.Add(new() { Value = id });
        if ((await ReadAllAsync(read, cancellationToken)).SingleOrDefault() is not { } before)
        {
            return null;
        }

        await using var update = new NpgsqlCommand("""
            UPDATE attribution_rules r SET attribute_key = $2, target = $3 FROM projects p
            WHERE r.id = $1 AND p.id = r.project_id
              AND NOT EXISTS (SELECT 1 FROM attribution_rules o WHERE o.project_id = r.project_id AND o.attribute_key = $2 AND o.id <> r.id)
            RETURNING r.id, p.name, r.attribute_key, r.target, r.created_by, r.created_at
            """, connection, transaction);
        update.Parameters.Add(new() { Value = id });
        update.Parameters.Add(new() { Value = attributeKey });
        update.Parameters.Add(new() { Value = target });
        AttributionRule? after;
        try
        {
            after = (await ReadAllAsync(update, cancellationToken)).SingleOrDefault();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another admin added the key between the check and the update.
            after = null;
        }

        if (after is null)
        {
            throw new InvalidOperationException($"Project '{before.Project}' already has a rule for '{attributeKey}'.");
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "attribution-rules.update", $"attribution_rules/{id}", before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>Deletes a rule (audited); false when there is none with this id.</summary>
    public async Task<bool> DeleteAsync(int id, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand("""
            DELETE FROM attribution_rules r USING projects p WHERE r.id = $1 AND p.id = r.project_id
            RETURNING r.id, p.name, r.attribute_key, r.target, r.created_by, r.created_at
            """, connection, transaction);
        delete.Parameters.Add(new() { Value = id });
        var rule = (await ReadAllAsync(delete, cancellationToken)).SingleOrDefault();
        if (rule is null)
        {
            return false;
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "attribution-rules.delete", $"attribution_rules/{rule.Id}", rule, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<List<AttributionRule>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rules = new List<AttributionRule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(new AttributionRule(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetDateTime(5)));
        }

        return rules;
    }
}
