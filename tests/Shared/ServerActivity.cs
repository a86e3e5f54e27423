using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Tollgate.Testing;

/// <summary>
/// What the in-process servers hold open, from ASP.NET Core's own meters: Kestrel connections per
/// port, and over the whole test process the HTTP requests in progress and the SignalR (circuit)
/// connections. Read when an app is slow to stop, to say what it was waiting for.
/// </summary>
public static class ServerActivity
{
    private static readonly ConcurrentDictionary<string, long> Counts = new();
    private static readonly MeterListener Listener = Start();

    /// <summary>Starts listening, before the first app starts, so that every connection is counted from its opening.</summary>
    public static void Listen() => _ = Listener;

    /// <summary>The counts now, those of <paramref name="port"/> for per-port figures.</summary>
    public static string Describe(int port)
    {
        long Read(string key) => Counts.TryGetValue(key, out var value) ? value : 0;
        return $"Kestrel connections on port {port}: {Read($"kestrel.active_connections:{port}")} "
            + $"(upgraded to WebSockets: {Read($"kestrel.upgraded_connections:{port}")}); "
            + $"in the whole test process, HTTP requests in progress: {Read("http.server.active_requests")}, "
            + $"SignalR connections: {Read("signalr.server.active_connections")}";
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
