using Npgsql;

namespace Tollgate.Analytics.Audit;

/// <summary>One audit entry as the API shows it; before and after are the stored JSON documents.</summary>
public sealed record AuditRow(long Id, DateTime At, string Actor, string Action, string Subject, System.Text.Json.JsonElement? Before, System.Text.Json.JsonElement? After);

/// <summary>Filters of an audit listing; null means no filter. <paramref name="Offset"/> entries (newest first) are skipped.</summary>
public sealed record AuditFilter(DateTime? From, DateTime? To, string? Action, string? Actor, int Limit, int Offset = 0);

/// <summary>Reads the audit trail newest first, filtered and bounded.</summary>
public sealed class AuditQuery(NpgsqlDataSource dataSource)
{
    public const int DefaultLimit = 100;

    /// <summary>A page of entries: enough to review a day of changes, small enough to render.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Entries newest first. <see cref="AuditFilter.Action"/> matches an action ("budgets.add") or
    /// an area ("budgets" matches every budgets.* action).
    /// </summary>
    public async Task<IReadOnlyList<AuditRow>> ListAsync(AuditFilter filter, CancellationToken cancellationToken = default)
    {
        await using var command = Filtered(filter,
            $"SELECT id, at, actor, action, subject, before::text, after::text FROM audit_log {Where} ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6");
        command.Parameters.Add(new() { Value = Math.Clamp(filter.Limit, 1, MaxLimit) });
        command.Parameters.Add(new() { Value = Math.Max(filter.Offset, 0) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Json(reader, 5), Json(reader, 6)));
        }

        return rows;
    }

    /// <summary>How many entries match the filter's conditions (its limit and offset aside), for a pager.</summary>
    public async Task<long> CountAsync(AuditFilter filter, CancellationToken cancellationToken = default)
    {
        await using var command = Filtered(filter, $"SELECT count(*) FROM audit_log {Where}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private const string Where = """
        WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
          AND ($3::text IS NULL OR action = $3 OR action LIKE $3 || '.%')
          AND ($4::text IS NULL OR actor = $4)
        """;

    private NpgsqlCommand Filtered(AuditFilter filter, string sql)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = (object?)filter.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)filter.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)filter.Action ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)filter.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
    }

    private static System.Text.Json.JsonElement? Json(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(reader.GetString(ordinal));
        return document.RootElement.Clone();
    }
}
