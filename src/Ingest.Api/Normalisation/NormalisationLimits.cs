namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>Bounds on what one span may store, whatever a client sends.</summary>
public sealed class NormalisationLimits
{
    /// <summary>Same default as the OpenTelemetry SDKs' attribute count limit.</summary>
    public int MaxStoredAttributes { get; init; } = 128;

    /// <summary>Longest attribute value kept, in characters; longer values are cut and marked.</summary>
    public int MaxValueLength { get; init; } = 4096;

    /// <summary>Longest prompt or completion value kept when a project captures content.</summary>
    public int MaxContentLength { get; init; } = 16384;

    /// <summary>Names and labels (team, model, ...) are identifiers, not documents.</summary>
    public int MaxLabelLength { get; init; } = 256;

    public int MaxNameLength { get; init; } = 1024;

    /// <summary>Nesting kept for array and map values.</summary>
    public int MaxValueDepth { get; init; } = 8;
}
