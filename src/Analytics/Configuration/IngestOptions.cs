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
}
