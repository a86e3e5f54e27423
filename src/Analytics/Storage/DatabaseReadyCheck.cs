using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tollgate.Analytics.Storage;

/// <summary>Ready means: the database answers and its schema is the one this build expects.</summary>
public sealed class DatabaseReadyCheck(SchemaMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await migrator.CurrentVersionAsync(cancellationToken);
            return version == SchemaMigrator.LatestVersion
                ? HealthCheckResult.Healthy($"schema version {version}")
                : HealthCheckResult.Unhealthy($"schema version is {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, expected {SchemaMigrator.LatestVersion}");
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("database unreachable: " + ex.Message);
        }
    }
}
