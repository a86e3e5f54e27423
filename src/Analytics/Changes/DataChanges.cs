using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Analytics.Changes;

/// <summary>Derived data that open pages show and that a job has just changed.</summary>
public enum DataChange
{
    /// <summary>A rollup pass recomputed hours: spend, budget states and every figure read from rollups.</summary>
    Rollups,

    /// <summary>An anomaly scan finished.</summary>
    Anomalies,
}

/// <summary>
/// Tells every Tollgate process sharing the database that derived data changed, with PostgreSQL's
/// NOTIFY: a job runs on whichever server Hangfire picks, and the tabs to update may be open on
/// another. A notice is best effort: one lost only delays a tab until the next change.
/// </summary>
public sealed class DataChangeNotices(NpgsqlDataSource dataSource, ILogger<DataChangeNotices> logger)
{
    public const string Channel = "tollgate_changes";

    public async Task PublishAsync(DataChange change, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("payload", change.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The job's own work is committed; failing it now would only run it again.
            logger.LogWarning(e, "Could not announce a change of {Change} to open pages", change);
        }
    }
}

/// <summary>
/// This process's side of <see cref="DataChangeNotices"/>: pages subscribe to <see cref="Changed"/>,
/// which <see cref="DataChangeListener"/> raises for every notice on the channel.
/// </summary>
public sealed class DataChangeFeed(ILogger<DataChangeFeed> logger)
{
    public event Action<DataChange>? Changed;

    /// <summary>Calls every subscriber; one that throws neither stops the others nor the listener.</summary>
    public void Raise(DataChange change)
    {
        foreach (var subscriber in Changed?.GetInvocationList().Cast<Action<DataChange>>() ?? [])
        {
            try
            {
                subscriber(change);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A page failed to take the change of {Change}", change);
            }
        }
    }
}

/// <summary>
/// Listens on the notice channel over one dedicated connection and raises the feed. After a lost
/// connection it listens again and raises <see cref="DataChange.Rollups"/> and
/// <see cref="DataChange.Anomalies"/> once, since notices sent meanwhile are gone.
/// </summary>
public sealed class DataChangeListener(NpgsqlDataSource dataSource, DataChangeFeed feed, ILogger<DataChangeListener> logger) : BackgroundService
{
    /// <summary>How long to wait before listening again after the connection failed.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reconnecting = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notice) =>
                {
                    if (Enum.TryParse<DataChange>(notice.Payload, out var change))
                    {
                        feed.Raise(change);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {DataChangeNotices.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (reconnecting)
                {
                    feed.Raise(DataChange.Rollups);
                    feed.Raise(DataChange.Anomalies);
                }

                reconnecting = true;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever broke the connection, open pages only miss updates meanwhile: never stop the host for it.
                logger.LogWarning(e, "Lost the connection that listens for data changes; listening again in {Retry}", Retry);
                reconnecting = true;
                try
                {
                    await Task.Delay(Retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
