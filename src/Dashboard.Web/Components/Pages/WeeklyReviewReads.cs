using System.Collections.Concurrent;
using Tollgate.Analytics.Changes;
using Tollgate.Analytics.Time;

namespace Tollgate.Dashboard.Web.Components.Pages;

/// <summary>
/// One read of the weekly review shared by every tab that shows the same week and team. When a
/// rollup pass or an anomaly scan announces new data, every open review reloads at the same
/// moment: without this, fifty open tabs would each send the same twenty queries at once, and
/// starve the pages being opened meanwhile of connections. Here they wait for one read.
/// <para>
/// A read is kept until the data changes (<see cref="DataChangeFeed"/>) or the hour turns (the
/// week so far is compared in whole hours). Pages follow <see cref="Changed"/>, raised after the
/// reads kept are dropped, so a page reloading on a change never gets the figures from before it.
/// A failed read is not kept.
/// </para>
/// </summary>
public sealed class WeeklyReviewReads : IDisposable
{
    /// <summary>Distinct reviews kept at most (weeks × teams asked for); past it, all are dropped.</summary>
    private const int MaxKept = 256;

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly DataChangeFeed _feed;
    private readonly ConcurrentDictionary<Key, Lazy<Task<HomeFigures>>> _reads = new();

    public WeeklyReviewReads(IServiceScopeFactory scopes, TimeProvider time, DataChangeFeed feed)
    {
        (_scopes, _time, _feed) = (scopes, time, feed);
        _feed.Changed += OnChanged;
    }

    /// <summary>Raised, on the listener's thread, once the reads kept have been dropped after a change of the data.</summary>
    public event Action? Changed;

    private readonly record struct Key(string? Week, string? Team, DateTime Hour);

    /// <summary>The review of <paramref name="week"/> (the page's query value) for <paramref name="team"/> (null: everybody).</summary>
    public Task<HomeFigures> GetAsync(string? week, string? team, CancellationToken cancellationToken = default)
    {
        var key = new Key(week, string.IsNullOrWhiteSpace(team) ? null : team.Trim(), UtcHour.Floor(_time.GetUtcNow().UtcDateTime));
        if (_reads.Count >= MaxKept && !_reads.ContainsKey(key))
        {
            _reads.Clear();
        }

        var read = _reads.GetOrAdd(key, NewRead).Value;
        // One tab leaving stops its own wait, never the read the others wait for. A tab already
        // gone is told so even when the read has finished (WaitAsync would hand it the result).
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled<HomeFigures>(cancellationToken) : read.WaitAsync(cancellationToken);
    }

    private Lazy<Task<HomeFigures>> NewRead(Key key)
    {
        Lazy<Task<HomeFigures>>? read = null;
        read = new Lazy<Task<HomeFigures>>(() => ReadAsync(key, read!));
        return read;
    }

    private async Task<HomeFigures> ReadAsync(Key key, Lazy<Task<HomeFigures>> read)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var model = scope.ServiceProvider.GetRequiredService<HomeViewModel>();
            await model.LoadAsync(key.Week, key.Team, CancellationToken.None);
            return model.Figures(key.Week, key.Team);
        }
        catch
        {
            // Only this read: a newer one under the same key (after a change) stays.
            _reads.TryRemove(new KeyValuePair<Key, Lazy<Task<HomeFigures>>>(key, read));
            throw;
        }
    }

    private void OnChanged(DataChange change)
    {
        _reads.Clear();
        Changed?.Invoke();
    }

    public void Dispose() => _feed.Changed -= OnChanged;
}
