using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage.Entities;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Normalisation;

namespace Tollgate.Ingest.Api.Spooling;

/// <summary>
/// What the receiver needs from the database to accept spans, kept beside its spool: the price
/// catalogue and the grants of the ingest keys that were active, by key hash (never the keys).
/// It is rewritten when what the receiver reloads differs from what it holds, and read when the
/// receiver starts while the database is unreachable, so that a receiver restarted during an
/// outage still authenticates, prices and spools what exporters send.
/// </summary>
public sealed class ReceiverSnapshot(string directory, TimeProvider time, ILogger<ReceiverSnapshot> logger)
{
    public const string FileName = "receiver-state.json";

    private const int Format = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private volatile FrozenDictionary<string, IngestKeyGrant>? _grants;

    // What the file holds, without its time: a reload that finds the same is not written again.
    private byte[]? _written;

    public string Path => System.IO.Path.Combine(directory, FileName);

    /// <summary>When the snapshot in use was written, that is, when what it holds last changed; null when none was loaded.</summary>
    public DateTimeOffset? LoadedFrom { get; private set; }

    /// <summary>The grant a key had when the snapshot was saved or loaded last; null when it had none or there is no snapshot.</summary>
    public IngestKeyGrant? Find(byte[] keyHash) =>
        _grants is { } grants && grants.TryGetValue(Convert.ToHexString(keyHash), out var grant) ? grant : null;

    /// <summary>Saves the catalogue in use and every active key's grant, read now from the database.</summary>
    /// <returns>Whether the file was written (see <see cref="Save"/>).</returns>
    public async Task<bool> SaveAsync(PriceCatalogue catalogue, IngestKeyStore keys, CancellationToken cancellationToken) =>
        Save(catalogue, await keys.ListActiveAsync(cancellationToken));

    /// <summary>
    /// Writes the snapshot durably (a new file, fsynced, renamed over the old one) unless this
    /// process last wrote or read the same prices, patterns and grants.
    /// </summary>
    /// <returns>Whether the file was written.</returns>
    public bool Save(PriceCatalogue catalogue, IReadOnlyList<StoredGrant> grants)
    {
        var state = new State(
            Format,
            time.GetUtcNow(),
            catalogue.Prices.ToList(),
            catalogue.Patterns.ToList(),
            grants.Select(g => new KeyState(Convert.ToHexString(g.KeyHash), g.Grant.KeyId, g.Grant.ProjectId, g.Grant.CaptureContent, g.Grant.RateLimitPerSecond, g.Rules)).ToList());
        // Kept in memory too: a key this process has not cached yet is known during a later outage.
        _grants = Grants(state.Keys);
        var content = Content(state);
        if (_written is { } written && written.AsSpan().SequenceEqual(content) && File.Exists(Path))
        {
            return false;
        }

        var temporary = Path + ".new";
        try
        {
            Directory.CreateDirectory(directory);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Key hashes are not keys, but nobody else on the machine needs to read them.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, state, Json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            DirectorySync.Flush(directory);
            _written = content;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The receiver keeps running on what it has; only a later cold start loses the snapshot.
            logger.LogWarning("Could not save the receiver's snapshot to {Path}: {Reason}", Path, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Reads the snapshot saved last; null when there is none or it cannot be read (the reason is
    /// logged). The keys' grants are kept for <see cref="Find"/>.
    /// </summary>
    public PriceCatalogue? Load()
    {
        State? state;
        try
        {
            using var stream = File.OpenRead(Path);
            state = JsonSerializer.Deserialize<State>(stream, Json);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            logger.LogWarning("Could not read the receiver's snapshot {Path}: {Reason}", Path, ex.Message);
            return null;
        }

        if (state is not { Format: Format, Prices: not null, Patterns: not null, Keys: not null })
        {
            logger.LogWarning("The receiver's snapshot {Path} is not in a format this version reads; it is ignored", Path);
            return null;
        }

        _grants = Grants(state.Keys);
        _written = Content(state);
        LoadedFrom = state.SavedAt;
        return new PriceCatalogue(state.Prices, state.Patterns);
    }

    private static byte[] Content(State state) => JsonSerializer.SerializeToUtf8Bytes(state with { SavedAt = default }, Json);

    private static FrozenDictionary<string, IngestKeyGrant> Grants(IEnumerable<KeyState> keys) => keys.ToFrozenDictionary(
        k => k.Hash,
        k => new IngestKeyGrant(k.KeyId, k.ProjectId, k.CaptureContent, k.RateLimitPerSecond, k.Rules is { Count: > 0 } rules ? new CustomAttribution(rules) : null),
        StringComparer.Ordinal);

    private sealed record State(int Format, DateTimeOffset SavedAt, List<Price> Prices, List<ModelPattern> Patterns, List<KeyState> Keys);

    private sealed record KeyState(string Hash, int KeyId, int ProjectId, bool CaptureContent, int? RateLimitPerSecond, IReadOnlyDictionary<string, string>? Rules);
}

/// <summary>An active ingest key's grant as stored, with its hash and its project's attribution rules.</summary>
public sealed record StoredGrant(byte[] KeyHash, IngestKeyGrant Grant, IReadOnlyDictionary<string, string> Rules);
