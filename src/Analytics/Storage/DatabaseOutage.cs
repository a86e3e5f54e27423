using Npgsql;

namespace Tollgate.Analytics.Storage;

/// <summary>
/// Tells an outage (the server is down, restarting, full or closed to connections: worth
/// retrying later) from a statement the server refused (a bug: retrying will not help).
/// </summary>
public static class DatabaseOutage
{
    public static bool Is(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    // 08: connection exception; 53: insufficient resources; 57P: operator
                    // intervention (shutdown, cannot connect now); 55000: a database closed to connections.
                    return postgres.IsTransient || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || postgres.SqlState == PostgresErrorCodes.ObjectNotInPrerequisiteState;
                case NpgsqlException or TimeoutException or System.Net.Sockets.SocketException:
                    // Raised by the client itself: the connection failed, broke or timed out.
                    return true;
            }
        }

        return false;
    }
}
