using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Tollgate.Analytics.Audit;

/// <summary>
/// Writes to audit_log, the record of who changed what. Callers pass their own connection and
/// transaction so that the entry commits, or rolls back, with the change it describes.
/// </summary>
public static class AuditLog
{
    /// <summary>Adds one entry inside the caller's transaction.</summary>
    /// <param name="connection">The connection the change was made on.</param>
    /// <param name="transaction">The change's transaction, so both commit or neither does.</param>
    /// <param name="actor">Who did it: a user name or an API key's name.</param>
    /// <param name="action">What was done, as "area.verb": <c>prices.add</c>, <c>prices.reprice</c>.</param>
    /// <param name="subject">What it was done to, as "table/id" where there is one.</param>
    /// <param name="before">The state before (serialised to JSON), or null for a creation.</param>
    /// <param name="after">The state after, or null for a deletion.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    public static async Task WriteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string actor,
        string action,
        string subject,
        object? before,
        object? after,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_log (actor, action, subject, before, after) VALUES ($1, $2, $3, $4, $5)", connection, transaction);
        command.Parameters.Add(new() { Value = actor });
        command.Parameters.Add(new() { Value = action });
        command.Parameters.Add(new() { Value = subject });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = ToJson(before) });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = ToJson(after) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static object ToJson(object? value) =>
        value is null ? DBNull.Value : JsonSerializer.Serialize(value, value.GetType(), JsonSerializerOptions.Web);
}
