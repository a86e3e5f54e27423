using System.Net.Sockets;
using Npgsql;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api.Hosting;

/// <summary>
/// The start-up work against the database (<see cref="Bootstrapper"/>: schema, partitions,
/// prices, bootstrap keys), then the receiver's snapshot. A standalone receiver with a spool
/// that finds the database unreachable starts anyway, on the snapshot it saved last, and
/// finishes the work in the background once the database answers; until then every accepted
/// span goes to the spool, and the spool is replayed only after it.
/// </summary>
public sealed class DatabaseStartup(
    Bootstrapper bootstrapper,
    CurrentPrices prices,
    IngestKeyStore keys,
    ILogger<DatabaseStartup> logger,
    ReceiverSnapshot? snapshot = null) : BackgroundService
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the start-up work has been done: the database has the schema and partitions this version writes to.</summary>
    public bool IsDone => _done.Task.IsCompleted;

    /// <summary>Completes when the start-up work has been done.</summary>
    public Task Done => _done.Task;

    /// <summary>
    /// Does the start-up work. When the database cannot be reached and <paramref name="deferWhenUnreachable"/>
    /// is set (and there is a spool to accept into), returns after loading the snapshot instead of
    /// failing; the work is retried in the background.
    /// </summary>
    public async Task RunAsync(bool deferWhenUnreachable, CancellationToken cancellationToken)
    {
        try
        {
            await CompleteAsync(cancellationToken);
        }
        catch (Exception ex) when (deferWhenUnreachable && snapshot is not null && IsUnreachable(ex))
        {
            if (snapshot.Load() is { } catalogue)
            {
                prices.Use(catalogue);
                logger.LogWarning(
                    "The database is unreachable ({Reason}). Starting on the snapshot written at {SavedAt:u} (when its keys or prices last changed): its ingest keys and prices; spans go to the spool until the database answers",
                    ex.Message, snapshot.LoadedFrom);
            }
            else
            {
                logger.LogWarning(
                    "The database is unreachable ({Reason}) and there is no snapshot in {Path}: exporters get 503 until the database answers",
                    ex.Message, snapshot.Path);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!IsDone)
        {
            try
            {
                await Task.Delay(RetryEvery, stoppingToken);
                await CompleteAsync(stoppingToken);
                logger.LogInformation("The database answers again: start-up finished, the spool is being replayed");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsUnreachable(ex))
            {
                logger.LogDebug("The database is still unreachable: {Reason}", ex.Message);
            }
        }
    }

    private async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await bootstrapper.RunAsync(cancellationToken);
        if (snapshot is not null)
        {
            await snapshot.SaveAsync(prices.Catalogue, keys, cancellationToken);
        }

        _done.TrySetResult();
    }

    /// <summary>The server could not be reached or did not answer; a refusal (no such database, bad password) is not this.</summary>
    internal static bool IsUnreachable(Exception ex) => ex is NpgsqlException { IsTransient: true } or TimeoutException or SocketException;
}
