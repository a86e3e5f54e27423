using System.Collections.Concurrent;
using Npgsql;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Analytics.Keys;
using Tollgate.Ingest.Api.Normalisation;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api.Keys;

/// <summary>The key could not be checked because the database did not answer.</summary>
public sealed class KeyStoreUnavailableException(Exception inner) : Exception("Tollgate cannot reach its database to check the ingest key; retry later", inner);

/// <summary>What an accepted ingest key grants, with its project's attribution rules.</summary>
public sealed record IngestKeyGrant(int KeyId, int ProjectId, bool CaptureContent, int? RateLimitPerSecond, CustomAttribution? Attribution = null);

/// <summary>
/// Looks ingest keys up by hash, caching answers briefly so a busy exporter costs no query per
/// request. A revoked key stops working within <see cref="CacheFor"/> of the revocation, or of
/// the database's return when it was unreachable. While the database is unreachable, a key this
/// process has not seen yet is looked up in the receiver's snapshot, when one was loaded.
/// </summary>
public sealed class IngestKeyStore(NpgsqlDataSource dataSource, AttributionRuleStore rules, TimeProvider time, ReceiverSnapshot? snapshot = null)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>Bounds the cache: a client spraying random keys cannot grow it without limit.</summary>
    private const int MaxCachedKeys = 10_000;

    private readonly ConcurrentDictionary<string, (IngestKeyGrant? Grant, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<IngestKeyGrant?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Grant;
        }

        using var command = dataSource.CreateCommand("""
            SELECT k.id, k.project_id, p.content_capture, k.rate_limit_per_second
            FROM ingest_keys k JOIN projects p ON p.id = k.project_id
            WHERE k.key_hash = $1 AND k.revoked_at IS NULL
            """);
        command.Parameters.Add(new() { Value = KeyHasher.Hash(key) });
        IngestKeyGrant? grant = null;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                grant = new IngestKeyGrant(reader.GetInt32(0), reader.GetInt32(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetInt32(3));
            }

            if (grant is not null)
            {
                var projectRules = await rules.ForProjectAsync(grant.ProjectId, cancellationToken);
                grant = grant with { Attribution = projectRules.Count == 0 ? null : new CustomAttribution(projectRules) };
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // While the database is away, a key keeps the grant it last had, so that its spans
            // can go to the spool; nothing else could tell us the key was revoked meanwhile.
            if (cached.Expires != default)
            {
                return cached.Grant;
            }

            return snapshot?.Find(KeyHasher.Hash(key)) ?? throw new KeyStoreUnavailableException(ex);
        }

        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[key] = (grant, now + CacheFor);
        return grant;
    }

    /// <summary>Every active key's grant, for the receiver's snapshot.</summary>
    public async Task<IReadOnlyList<StoredGrant>> ListActiveAsync(CancellationToken cancellationToken)
    {
        var keys = new List<(byte[] Hash, IngestKeyGrant Grant)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT k.key_hash, k.id, k.project_id, p.content_capture, k.rate_limit_per_second
            FROM ingest_keys k JOIN projects p ON p.id = k.project_id
            WHERE k.revoked_at IS NULL
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(((byte[])reader[0], new IngestKeyGrant(reader.GetInt32(1), reader.GetInt32(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetInt32(4))));
            }
        }

        var rulesByProject = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        foreach (var projectId in keys.Select(k => k.Grant.ProjectId).Distinct())
        {
            rulesByProject[projectId] = await rules.ForProjectAsync(projectId, cancellationToken);
        }

        return keys.Select(k => new StoredGrant(k.Hash, k.Grant, rulesByProject[k.Grant.ProjectId])).ToList();
    }

    /// <summary>Forgets cached answers, so a revocation, a project change or a new rule applies at once here.</summary>
    public void Invalidate() => _cache.Clear();
}
