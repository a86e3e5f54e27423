using System.Net;

namespace Tollgate.Analytics.Configuration;

/// <summary>The reverse proxies of <see cref="TollgateOptions.TrustedProxies"/>: single addresses and networks.</summary>
public sealed record TrustedProxies(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks)
{
    public const string Key = "Tollgate:TrustedProxies";

    public bool IsEmpty => Addresses.Count == 0 && Networks.Count == 0;

    /// <summary>Reads the comma-separated list; the entries that are neither an address nor a network go to <paramref name="problems"/>.</summary>
    public static TrustedProxies Parse(string? list, List<string> problems)
    {
        var (addresses, networks) = (new List<IPAddress>(), new List<IPNetwork>());
        foreach (var entry in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                problems.Add($"{Key} lists '{entry}', which is neither an IP address nor a network such as 10.0.0.0/8.");
            }
        }

        return new TrustedProxies(addresses, networks);
    }
}
