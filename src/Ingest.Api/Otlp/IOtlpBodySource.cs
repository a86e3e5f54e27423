using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// A transport's request body, read only once the request has a place in the memory budget:
/// OTLP/HTTP reads the request stream, OTLP/gRPC takes the message its server has unframed.
/// </summary>
public interface IOtlpBodySource
{
    /// <summary>The size on the wire when the client declared it; null when it did not.</summary>
    long? DeclaredLength { get; }

    bool Compressed { get; }

    /// <exception cref="OtlpBody.ReadException">The body cannot be read, is too large or outgrows the budget.</exception>
    Task<OtlpBody> ReadAsync(Admission admission, Admission.Reservation reservation, CancellationToken cancellationToken);
}
