using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage;

namespace Tollgate.Ingest.Benchmark;

/// <summary>A fresh database, migrated, dropped afterwards.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly NpgsqlDataSource _dataSource;

    private BenchDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(string admin, string purpose)
    {
        var name = $"tollgate_bench_{purpose}_{Environment.ProcessId}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}", connection).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
        }

        var database = new BenchDatabase(admin, name);
        await new SchemaMigrator(database._dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return database;
    }

    /// <summary>Raw binary COPY of the rows in groups, one transaction a group, no lookups.</summary>
    public async Task<double> CopyOnlyAsync(List<SpanRecord> records, int groupSize)
    {
        var partitions = new SpanPartitions(_dataSource, NullLogger<SpanPartitions>.Instance);
        await partitions.EnsureAsync(records.Min(r => r.StartTime), records.Max(r => r.StartTime));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < records.Count; i += groupSize)
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await SpanColumns.CopyAsync(connection, records.GetRange(i, Math.Min(groupSize, records.Count - i)), CancellationToken.None);
            await transaction.CommitAsync();
        }

        return records.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Empties the span table (its partitions stay), so that a measured pass starts as a fresh database does.</summary>
    public async Task TruncateSpansAsync()
    {
        await using var command = _dataSource.CreateCommand("TRUNCATE spans");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Writes out every dirty page now, so that a measured pass does not pay for what the warm-up wrote (CREATE DATABASE does the same).</summary>
    public async Task CheckpointAsync()
    {
        await using var command = _dataSource.CreateCommand("CHECKPOINT");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The server's next transaction id: write transactions started between two readings are their
    /// difference less one (the reading takes an id of its own), as long as nothing else on the server writes.
    /// </summary>
    public async Task<long> TransactionIdAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT pg_current_xact_id()::text::bigint");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> CountSpansAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM spans");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Makes the database refuse (and drop) connections, as an outage would, or accept them again.</summary>
    public async Task SetConnectionsAllowedAsync(bool allowed)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await new NpgsqlCommand($"ALTER DATABASE {Name} ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", connection).ExecuteNonQueryAsync();
        if (!allowed)
        {
            await new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'", connection).ExecuteNonQueryAsync();
        }
        else
        {
            // Our own pooled connections were terminated with the others.
            _dataSource.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }
}
