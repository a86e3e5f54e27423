namespace Tollgate.Analytics.Configuration;

public sealed class IngestOptions
{
    /// <summary>OTLP specification default for the request size limit after decompression.</summary>
    public const long DefaultMaxRequestBytes = 64L * 1024 * 1024;

    /// <summary>Whether the dashboard process also hosts the OTLP receivers.</summary>
    public bool Embedded { get; set; } = true;

    /// <summary>OTLP/HTTP port (specification default 4318).</summary>
    public int HttpPort { get; set; } = 4318;

    /// <summary>OTLP/gRPC port (specification default 4317), cleartext HTTP/2.</summary>
    public int GrpcPort { get; set; } = 4317;

    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>
    /// Memory that requests being read, decoded and queued may hold, estimated from their sizes;
    /// past it exporters get 503 with Retry-After before their bodies are read. The default holds
    /// the receiver's resident memory under 512 MiB at twice the load it can store (bench/ingest.sh)
    /// and is several times what 50,000 spans/s keep in flight. A request whose reservation
    /// exceeds the budget (a body over 32 MiB) is let in only while no other request holds any.
    /// </summary>
    public long MaxInFlightBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// Spans waiting to be written, at most; past it exporters get 503 with Retry-After. About
    /// 2 KiB a span in memory, so the default holds the queue near 200 MiB at worst.
    /// </summary>
    public int QueueCapacitySpans { get; set; } = 100_000;

    /// <summary>Spans written in one transaction at most (group commit of waiting requests).</summary>
    public int MaxBatchSpans { get; set; } = 16_384;

    /// <summary>Spans per second an ingest key may send unless the key sets its own limit.</summary>
    public int DefaultRateLimitPerSecond { get; set; } = 100_000;

    public SpoolOptions Spool { get; set; } = new();
}
