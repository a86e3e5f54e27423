using Npgsql;

namespace Tollgate.Testing;

/// <summary>
/// A fresh database on the throwaway PostgreSQL server that test.sh starts (TOLLGATE_TEST_PG).
/// Tests never fall back to anything else: without the server they fail and say why.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private TestDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("TOLLGATE_TEST_PG") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "TOLLGATE_TEST_PG is not set: run the tests with ./test.sh, which starts a throwaway PostgreSQL, "
                + "or set it to a connection string of a PostgreSQL superuser.");

    public static Task<TestDatabase> CreateAsync() => CreateAsync(AdminConnectionString);

    /// <summary>A fresh database on the server that <paramref name="admin"/> (a superuser's connection string) reaches.</summary>
    public static async Task<TestDatabase> CreateAsync(string admin)
    {
        var name = "tollgate_test_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new TestDatabase(admin, name);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// What the job store and the sessions of this database are doing, as text for a failure
    /// message: every background job with its states, the last failure's exception, the queue, the
    /// job servers' heartbeats, the recurring jobs' runs, and each session's state and wait.
    /// </summary>
    public async Task<string> DescribeJobsAsync()
    {
        var text = new System.Text.StringBuilder();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var (title, sql) in new[]
        {
            ("jobs", """
                SELECT j.id, j.statename, j.invocationdata->>'Method', j.createdat,
                       (SELECT string_agg(s.name || ' ' || to_char(s.createdat, 'HH24:MI:SS.MS') || coalesce(' (' || s.reason || ')', ''), '; ' ORDER BY s.id)
                        FROM hangfire.state s WHERE s.jobid = j.id)
                FROM hangfire.job j ORDER BY j.id
                """),
            ("the last failure", "SELECT jobid, createdat, left(data->>'ExceptionDetails', 3000) FROM hangfire.state WHERE name = 'Failed' ORDER BY id DESC LIMIT 1"),
            ("queue", "SELECT jobid, queue, fetchedat FROM hangfire.jobqueue ORDER BY id"),
            ("servers", "SELECT id, lastheartbeat FROM hangfire.server ORDER BY id"),
            ("job runs", "SELECT job, outcome, started_at, ended_at, error_message FROM job_runs ORDER BY id"),
            ("sessions", """
                SELECT pid, state, wait_event_type, wait_event, now() - query_start, left(query, 160)
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """),
        })
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{title} at {DateTime.UtcNow:HH:mm:ss.fff}:\n");
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                text.Append("  ").AppendJoin(" | ", values).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>How many sessions of this database are waiting for a lock (a writer held up by a test's lock, say).</summary>
    public async Task<long> SessionsWaitingOnLocksAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{Name}' AND wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Makes the database refuse (and drop) connections, as an outage would, or accept them again.</summary>
    public async Task SetConnectionsAllowedAsync(bool allowed)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE {Name} ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        if (!allowed)
        {
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'", connection);
            await terminate.ExecuteNonQueryAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
