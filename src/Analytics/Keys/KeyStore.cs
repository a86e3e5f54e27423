using Npgsql;
using Tollgate.Analytics.Audit;
using Tollgate.Analytics.Projects;

namespace Tollgate.Analytics.Keys;

/// <summary>An ingest key as lists and audit entries show it: never the key or its hash.</summary>
public sealed record IngestKeyInfo(int Id, string Project, string Name, string KeyPrefix, int? RateLimitPerSecond, DateTime CreatedAt, DateTime? RevokedAt)
    : IRevocable<IngestKeyInfo>
{
    IngestKeyInfo IRevocable<IngestKeyInfo>.Revoked(DateTime at) => this with { RevokedAt = at };
}

/// <summary>An API key as lists and audit entries show it: never the key or its hash.</summary>
public sealed record ApiKeyInfo(int Id, string Name, string KeyPrefix, string Role, DateTime CreatedAt, DateTime? RevokedAt)
    : IRevocable<ApiKeyInfo>
{
    ApiKeyInfo IRevocable<ApiKeyInfo>.Revoked(DateTime at) => this with { RevokedAt = at };
}

/// <summary>What revoking needs to know of either kind of key.</summary>
internal interface IRevocable<out T>
{
    DateTime? RevokedAt { get; }

    T Revoked(DateTime at);
}

/// <summary>
/// Issues, lists and revokes ingest keys and API keys. Only the hash is stored, so the key itself
/// is returned once, at creation. Every change is audited without the key.
/// </summary>
public sealed class KeyStore(NpgsqlDataSource dataSource)
{
    /// <summary>Key names show in lists; longer ones are refused.</summary>
    public const int MaxNameLength = 100;

    private const string IngestKeyQuery = """
        SELECT k.id, p.name, k.name, k.key_prefix, k.rate_limit_per_second, k.created_at, k.revoked_at
        FROM ingest_keys k JOIN projects p ON p.id = k.project_id
        """;

    private const string ApiKeyQuery = "SELECT id, name, key_prefix, role, created_at, revoked_at FROM api_keys";

    public async Task<IReadOnlyList<IngestKeyInfo>> ListIngestKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(IngestKeyQuery + " ORDER BY k.id");
        return await ReadAllAsync(command, ReadIngestKey, cancellationToken);
    }

    /// <summary>A new ingest key for the project, which is created if it does not exist.</summary>
    /// <returns>The key's listing and the key itself, which cannot be shown again.</returns>
    public async Task<(IngestKeyInfo Info, string Key)> CreateIngestKeyAsync(
        string project, string name, int? rateLimitPerSecond, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var key = KeyHasher.NewKey(KeyHasher.IngestKeyPrefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var projectId = await ProjectStore.EnsureAsync(connection, transaction, project, actor, cancellationToken);
        IngestKeyInfo info;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO ingest_keys (project_id, name, key_hash, key_prefix, rate_limit_per_second) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at",
            connection, transaction))
        {
            insert.Parameters.Add(new() { Value = projectId });
            insert.Parameters.Add(new() { Value = name.Trim() });
            insert.Parameters.Add(new() { Value = KeyHasher.Hash(key) });
            insert.Parameters.Add(new() { Value = KeyHasher.DisplayPrefix(key) });
            insert.Parameters.Add(new() { Value = (object?)rateLimitPerSecond ?? DBNull.Value });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            info = new IngestKeyInfo(reader.GetInt32(0), project.Trim(), name.Trim(), KeyHasher.DisplayPrefix(key), rateLimitPerSecond, reader.GetDateTime(1), null);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "ingest_keys.add", $"ingest_keys/{info.Id}", null, info, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (info, key);
    }

    /// <summary>Revokes an ingest key; revoking it again changes nothing.</summary>
    /// <returns>The key after revocation, or null when no key has that id.</returns>
    public Task<IngestKeyInfo?> RevokeIngestKeyAsync(int id, string actor, CancellationToken cancellationToken = default) =>
        RevokeAsync(id, actor, "ingest_keys", IngestKeyQuery + " WHERE k.id = $1 FOR UPDATE OF k", ReadIngestKey, cancellationToken);

    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ApiKeyQuery + " ORDER BY id");
        return await ReadAllAsync(command, ReadApiKey, cancellationToken);
    }

    /// <summary>A new API key with the role (admin, lead, pm or viewer).</summary>
    /// <returns>The key's listing and the key itself, which cannot be shown again.</returns>
    public async Task<(ApiKeyInfo Info, string Key)> CreateApiKeyAsync(string name, string role, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        // An admin key starts tg_admin_ like the bootstrap key; other roles get tg_api_, so a key
        // found in a log or a repository tells at a glance how much it could do.
        var key = KeyHasher.NewKey(role == "admin" ? KeyHasher.AdminKeyPrefix : KeyHasher.ApiKeyPrefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ApiKeyInfo info;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO api_keys (name, key_hash, key_prefix, role) VALUES ($1, $2, $3, $4) RETURNING id, created_at", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = name.Trim() });
            insert.Parameters.Add(new() { Value = KeyHasher.Hash(key) });
            insert.Parameters.Add(new() { Value = KeyHasher.DisplayPrefix(key) });
            insert.Parameters.Add(new() { Value = role });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            info = new ApiKeyInfo(reader.GetInt32(0), name.Trim(), KeyHasher.DisplayPrefix(key), role, reader.GetDateTime(1), null);
        }

        await AuditLog.WriteAsync(connection, transaction, actor, "api_keys.add", $"api_keys/{info.Id}", null, info, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (info, key);
    }

    /// <summary>Revokes an API key; revoking it again changes nothing.</summary>
    /// <returns>The key after revocation, or null when no key has that id.</returns>
    public Task<ApiKeyInfo?> RevokeApiKeyAsync(int id, string actor, CancellationToken cancellationToken = default) =>
        RevokeAsync(id, actor, "api_keys", ApiKeyQuery + " WHERE id = $1 FOR UPDATE", ReadApiKey, cancellationToken);

    // Locks the row, sets revoked_at once, and audits the change in the same transaction.
    private async Task<T?> RevokeAsync<T>(
        int id, string actor, string table, string findSql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class, IRevocable<T>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        T? before = null;
        await using (var find = new NpgsqlCommand(findSql, connection, transaction))
        {
            find.Parameters.Add(new() { Value = id });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                before = read(reader);
            }
        }

        if (before is null || before.RevokedAt is not null)
        {
            return before;
        }

        DateTime at;
        await using (var update = new NpgsqlCommand($"UPDATE {table} SET revoked_at = now() WHERE id = $1 RETURNING revoked_at", connection, transaction))
        {
            update.Parameters.Add(new() { Value = id });
            at = (DateTime)(await update.ExecuteScalarAsync(cancellationToken))!;
        }

        var after = before.Revoked(at);
        await AuditLog.WriteAsync(connection, transaction, actor, $"{table}.revoke", $"{table}/{id}", before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static IngestKeyInfo ReadIngestKey(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4), r.GetDateTime(5),
        r.IsDBNull(6) ? null : r.GetDateTime(6));

    private static ApiKeyInfo ReadApiKey(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDateTime(4), r.IsDBNull(5) ? null : r.GetDateTime(5));
}
