using System.Collections.Concurrent;
using System.Net;

namespace Tollgate.Dashboard.Web.Accounts;

/// <summary>
/// Slows password guessing down per client instead of locking accounts: a lockout per account lets
/// anyone lock the admin out by failing on purpose, and its message told real accounts from
/// unknown ones. Failures are counted per client address, and per address and user name; past
/// either limit that client waits, whatever account it names, and the answer is the same for
/// every name.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    /// <summary>Failures are remembered this long.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Failures from one address for one user name: a person mistyping stays well under it.</summary>
    public const int MaxFailuresPerUser = 5;

    /// <summary>Failures from one address for any names: an office behind one address has room, a guesser does not.</summary>
    public const int MaxFailuresPerAddress = 20;

    /// <summary>Keys kept; past this, entries whose failures have all left the window are dropped first.</summary>
    private const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the client must wait before trying again, or null when it may try now.</summary>
    public TimeSpan? WaitBefore(IPAddress? address, string userName)
    {
        var now = time.GetUtcNow();
        var waits = new[] { Wait(AddressKey(address), MaxFailuresPerAddress, now), Wait(UserKey(address, userName), MaxFailuresPerUser, now) };
        return waits.Max();
    }

    public void Failed(IPAddress? address, string userName)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > MaxKeys)
        {
            Prune(now);
        }

        foreach (var key in new[] { AddressKey(address), UserKey(address, userName) })
        {
            var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            lock (queue)
            {
                queue.Enqueue(now);
                while (queue.Count > MaxFailuresPerAddress)
                {
                    queue.Dequeue();
                }
            }
        }
    }

    /// <summary>A successful sign-in clears that user's failures from that address.</summary>
    public void Succeeded(IPAddress? address, string userName) => _failures.TryRemove(UserKey(address, userName), out _);

    private TimeSpan? Wait(string key, int limit, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= Window)
            {
                queue.Dequeue();
            }

            // The client may try again when the oldest of the last `limit` failures leaves the window.
            return queue.Count >= limit ? queue.ElementAt(queue.Count - limit) + Window - now : null;
        }
    }

    /// <summary>Drops what has expired; should a flood of addresses still fill the table, it starts over rather than grow.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, queue) in _failures)
        {
            bool expired;
            lock (queue)
            {
                expired = queue.Count == 0 || now - queue.Last() >= Window;
            }

            if (expired)
            {
                _failures.TryRemove(key, out _);
            }
        }

        if (_failures.Count > MaxKeys)
        {
            _failures.Clear();
        }
    }

    private static string AddressKey(IPAddress? address) => "a|" + address;

    private static string UserKey(IPAddress? address, string userName) => "u|" + address + "|" + userName.Trim().ToUpperInvariant();
}
