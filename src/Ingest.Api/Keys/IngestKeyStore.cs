using System.Collections.Concurrent;
using Npgsql;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Analytics.Keys;
using Tollgate.Ingest.Api.Normalisation;

namespace Tollgate.Ingest.Api.Keys;

/// <summary>The key could not be checked because the database did not answer.</summary>
public sealed class KeyStoreUnavailableException(Exception inner) : Exception("Tollgate cannot reach its database to check the ingest key; retry later", inner);

/// <summary>What an accepted ingest key grants, with its project's attribution rules.</summary>
public sealed record IngestKeyGrant(int KeyId, int ProjectId, bool CaptureContent, int? RateLimitPerSecond, CustomAttribution? Attribution = null);

/// <summary>
/// Looks ingest keys up by hash, caching answers briefly so a busy exporter costs no query per
/// request. A revoked key stops working within <see cref="CacheFor"/> of the revocation, or of
/// the database's return when it was unreachable.
/// </summary>
public sealed class IngestKeyStore(NpgsqlDataSource dataSource, AttributionRuleStore rules, TimeProvider time)
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
            return cached.Expires != default ? cached.Grant : throw new KeyStoreUnavailableException(ex);
        }

        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[key] = (grant, now + CacheFor);
        return grant;
    }

    /// <summary>Forgets cached answers, so a revocation, a project change or a new rule applies at once here.</summary>
    public void Invalidate() => _cache.Clear();
}
