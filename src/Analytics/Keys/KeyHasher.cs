using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Analytics.Keys;

/// <summary>
/// Keys are random 256-bit secrets, so a single SHA-256 is enough to store them safely
/// (a slow password hash only helps against guessable secrets).
/// </summary>
public static class KeyHasher
{
    public const string IngestKeyPrefix = "tg_ingest_";
    public const string AdminKeyPrefix = "tg_admin_";
    public const string ApiKeyPrefix = "tg_api_";

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>What lists show of a key: enough to recognise it, not to use it.</summary>
    public static string DisplayPrefix(string key) => key.Length <= 12 ? "…" : key[..12] + "…";

    public static string NewKey(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
