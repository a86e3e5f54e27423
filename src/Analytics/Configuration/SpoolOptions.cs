namespace Tollgate.Analytics.Configuration;

/// <summary>
/// The receiver's local spool: where accepted spans wait, fsynced, while the database is
/// unreachable or behind. Each receiver needs a directory of its own.
/// </summary>
public sealed class SpoolOptions
{
    /// <summary>Without a spool, exporters get 503 whenever the database does not take their spans.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The spool's directory. Unset: a folder per OTLP/HTTP port under the user's local data
    /// folder (~/.local/share/tollgate/spool/PORT), since replicas on one machine differ by port.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Disk the spool may take; past it exporters get 503 with Retry-After. At about 600 bytes a
    /// span, the default holds some 3 million spans: an outage of minutes at a busy receiver.
    /// </summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Size at which a segment file is closed and a new one begun; replayed segments are deleted whole.</summary>
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    public string DirectoryFor(int otlpHttpPort) => Directory is { Length: > 0 } given
        ? Path.GetFullPath(given)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "tollgate", "spool", otlpHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
