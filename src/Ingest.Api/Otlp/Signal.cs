namespace Tollgate.Ingest.Api.Otlp;

/// <summary>The OTLP signals. Tollgate stores traces; metrics and logs are answered, not stored.</summary>
public enum Signal
{
    Traces,
    Metrics,
    Logs,
}
