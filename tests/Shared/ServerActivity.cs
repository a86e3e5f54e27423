using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing;

/// <summary>
/// What the in-process servers hold open, from ASP.NET Core's own meters: Kestrel connections per
/// port, and over the whole test process the HTTP requests in progress and the SignalR (circuit)
/// connections; and from its diagnostic events, which requests are in progress and since when.
/// Read when an app is slow to stop, to say what it was waiting for.
/// </summary>
public static class ServerActivity
{
    private static readonly ConcurrentDictionary<string, long> Counts = new();
    private static readonly ConcurrentDictionary<HttpContext, (string Request, long Started)> InProgress = new();
    private static readonly MeterListener Listener = Start();
    private static readonly IDisposable Requests = DiagnosticListener.AllListeners.Subscribe(new RequestObserver());

    /// <summary>Starts listening, before the first app starts, so that every connection is counted from its opening.</summary>
    public static void Listen() => _ = (Listener, Requests);

    /// <summary>The counts now, those of <paramref name="port"/> for per-port figures.</summary>
    public static string Describe(int port)
    {
        long Read(string key) => Counts.TryGetValue(key, out var value) ? value : 0;
        return $"Kestrel connections on port {port}: {Read($"kestrel.active_connections:{port}")} "
            + $"(upgraded to WebSockets: {Read($"kestrel.upgraded_connections:{port}")}); "
            + $"in the whole test process, HTTP requests in progress: {Read("http.server.active_requests")}, "
            + $"SignalR connections: {Read("signalr.server.active_connections")}; "
            + $"requests in progress on port {port}: {RequestsOn(port)}";
    }

    private static string RequestsOn(int port)
    {
        var now = Stopwatch.GetTimestamp();
        var open = InProgress.Values
            .Where(r => r.Request.StartsWith($"{port} ", StringComparison.Ordinal))
            .Select(r => $"{r.Request[(r.Request.IndexOf(' ', StringComparison.Ordinal) + 1)..]} for {Stopwatch.GetElapsedTime(r.Started, now).TotalSeconds:0.0} s")
            .ToList();
        return open.Count == 0 ? "none" : string.Join(", ", open);
    }

    /// <summary>Notes each request as ASP.NET Core's hosting layer starts and ends it (the port, method and path; never a query).</summary>
    private sealed class RequestObserver : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.AspNetCore")
            {
                listener.Subscribe(this, name => name.StartsWith("Microsoft.AspNetCore.Hosting.HttpRequestIn", StringComparison.Ordinal));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is not HttpContext context)
            {
                return;
            }

            if (value.Key.EndsWith(".Start", StringComparison.Ordinal))
            {
                InProgress[context] = ($"{context.Connection.LocalPort} {context.Request.Method} {context.Request.Path}", Stopwatch.GetTimestamp());
            }
            else if (value.Key.EndsWith(".Stop", StringComparison.Ordinal))
            {
                InProgress.TryRemove(context, out _);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private static MeterListener Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name is "kestrel.active_connections" or "kestrel.upgraded_connections"
                    or "http.server.active_requests" or "signalr.server.active_connections")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, change, tags, _) =>
        {
            var key = instrument.Name;
            if (instrument.Name.StartsWith("kestrel.", StringComparison.Ordinal))
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "server.port")
                    {
                        key += ":" + tag.Value;
                    }
                }
            }

            Counts.AddOrUpdate(key, change, (_, total) => total + change);
        });
        listener.Start();
        return listener;
    }
}
