using Microsoft.AspNetCore.Components;

namespace Tollgate.Dashboard.Web.Components;

/// <summary>
/// A page that reads through a view model, with the rules every such page needs over a circuit:
/// <list type="bullet">
/// <item>The model comes from a service scope of the page's own, so two pages of one circuit never
/// share a database context (a page left mid-load cannot collide with the next one's load).</item>
/// <item>Work given to <see cref="RunAsync(Func{CancellationToken, Task})"/> runs one at a time: a context serves one query at once.</item>
/// <item>When the page goes, its work is cancelled and waited for, and only then is the scope, with
/// its database connection, disposed: a connection is never closed under a query still using it.</item>
/// </list>
/// </summary>
public abstract class DataPage<TModel> : ComponentBase, IAsyncDisposable
    where TModel : notnull
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly HashSet<Task> _running = [];
    private AsyncServiceScope? _scope;
    private TModel? _model;
    private bool _disposed;

    [Inject]
    private IServiceScopeFactory ScopeFactory { get; set; } = null!;

    /// <summary>The page's view model, created in the page's scope on first use.</summary>
    protected TModel Model
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_model is null)
            {
                _scope = ScopeFactory.CreateAsyncScope();
                _model = _scope.Value.ServiceProvider.GetRequiredService<TModel>();
            }

            return _model;
        }
    }

    /// <summary>True once the page has gone: its work is being cancelled.</summary>
    protected bool IsClosed => _disposed;

    /// <summary>
    /// Runs <paramref name="work"/> once the page's earlier work has finished, with a token that is
    /// cancelled when the page goes. Failures reach the caller; the page waits for it before its
    /// scope ends.
    /// </summary>
    protected Task RunAsync(Func<CancellationToken, Task> work) => Start(work);

    /// <summary>As <see cref="RunAsync(Func{CancellationToken, Task})"/>, for work with a result.</summary>
    protected async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        T result = default!;
        await Start(async cancellationToken => { result = await work(cancellationToken); });
        return result;
    }

    private Task Start(Func<CancellationToken, Task> work)
    {
        if (_disposed)
        {
            return Task.FromCanceled(new CancellationToken(canceled: true));
        }

        return Track(OneAtATimeAsync(work, _closing.Token));
    }

    /// <summary>
    /// Starts <paramref name="loop"/>, work that lasts while the page is open (following new data),
    /// without waiting for it. The page's going ends it quietly; any other failure is the loop's to handle.
    /// </summary>
    protected void RunWhileOpen(Func<CancellationToken, Task> loop)
    {
        if (!_disposed)
        {
            _ = Track(UntilClosedAsync(loop, _closing.Token));
        }
    }

    private async Task OneAtATimeAsync(Func<CancellationToken, Task> work, CancellationToken closing)
    {
        await _oneAtATime.WaitAsync(closing);
        try
        {
            await work(closing);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private static async Task UntilClosedAsync(Func<CancellationToken, Task> loop, CancellationToken closing)
    {
        try
        {
            await loop(closing);
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // The page has gone.
        }
    }

    private Task Track(Task task)
    {
        if (task.IsCompleted)
        {
            return task;
        }

        lock (_running)
        {
            _running.Add(task);
        }

        _ = task.ContinueWith(
            ended =>
            {
                lock (_running)
                {
                    _running.Remove(ended);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>What a page undoes when it goes (subscriptions, timers), before its work is cancelled.</summary>
    protected virtual void OnClosing()
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        OnClosing();
        await _closing.CancelAsync();
        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }

        // Their outcomes went to whoever awaited them; here only their end matters.
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (_scope is { } scope)
        {
            await scope.DisposeAsync();
        }

        _closing.Dispose();
        _oneAtATime.Dispose();
        GC.SuppressFinalize(this);
    }
}
