using System.Net;
using System.Net.Sockets;

namespace Tollgate.Testing;

public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A loopback port that was free a moment ago and that this process has not handed out before:
    /// the OS may offer a port again as soon as the probe closes it, so one app could otherwise get
    /// the same port for two of its listeners.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
