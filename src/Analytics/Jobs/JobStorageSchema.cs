using Hangfire.PostgreSql;
using Npgsql;

namespace Tollgate.Analytics.Jobs;

/// <summary>
/// Hangfire's tables, in their own schema. Hangfire versions its schema itself (hangfire.schema), so
/// its installer, not a script in db/, creates and upgrades them; the migrator calls it under its
/// lock, and the job store is then configured never to install anything on its own.
/// </summary>
public static class JobStorageSchema
{
    public const string Name = "hangfire";

    public static void Install(NpgsqlConnection connection) => PostgreSqlObjectsInstaller.Install(connection, Name);
}
