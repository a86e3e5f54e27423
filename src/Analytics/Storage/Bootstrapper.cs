using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Analytics.Configuration;
using Tollgate.Analytics.Keys;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Storage;

/// <summary>
/// Start-up work every process does before it serves: schema, the default project, the
/// partitions around today, the shipped price catalogue, and the bootstrap keys from
/// configuration (created if absent).
/// </summary>
public sealed class Bootstrapper(
    NpgsqlDataSource dataSource,
    SchemaMigrator migrator,
    SpanPartitions partitions,
    PriceStore prices,
    CurrentPrices currentPrices,
    TollgateOptions options,
    TimeProvider time,
    ILogger<Bootstrapper> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await migrator.MigrateAsync(cancellationToken);
        var projectId = await EnsureProjectAsync(options.DefaultProject, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await partitions.EnsureAsync(now.AddMonths(-1), now.AddMonths(1), cancellationToken);
        if (await prices.SeedAsync(cancellationToken) is > 0 and var seeded)
        {
            logger.LogInformation("Added {Count} prices from the shipped catalogue", seeded);
        }

        await currentPrices.RefreshAsync(cancellationToken);

        if (options.BootstrapIngestKey is { } ingestKey)
        {
            await InsertKeyAsync("""
                INSERT INTO ingest_keys (project_id, name, key_hash, key_prefix) VALUES ($3, 'bootstrap', $1, $2)
                ON CONFLICT (key_hash) DO NOTHING
                """, ingestKey, projectId, cancellationToken);
        }

        if (options.BootstrapAdminKey is { } adminKey)
        {
            await InsertKeyAsync("""
                INSERT INTO api_keys (name, key_hash, key_prefix, role) VALUES ('bootstrap', $1, $2, 'admin')
                ON CONFLICT (key_hash) DO NOTHING
                """, adminKey, null, cancellationToken);
        }
    }

    public async Task<int> EnsureProjectAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH inserted AS (INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM inserted UNION ALL SELECT id FROM projects WHERE name = $1
            """);
        command.Parameters.Add(new() { Value = name });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // $1 is the key's hash, $2 its display prefix, $3 (when given) the project.
    private async Task InsertKeyAsync(string sql, string key, int? projectId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = KeyHasher.Hash(key) });
        command.Parameters.Add(new() { Value = KeyHasher.DisplayPrefix(key) });
        if (projectId is not null)
        {
            command.Parameters.Add(new() { Value = projectId.Value });
        }
        if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            logger.LogInformation("Created bootstrap key {Prefix} from configuration", KeyHasher.DisplayPrefix(key));
        }
    }
}
