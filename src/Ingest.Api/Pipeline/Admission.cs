using Tollgate.Analytics.Configuration;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>
/// Bounds the memory that requests being read, decoded and queued may hold: a request reserves
/// its size before its body is read and is refused with 503 when the budget is spent. Decoded
/// spans take a few times the wire size, so the reservation is a multiple of it.
/// </summary>
public sealed class Admission(IngestOptions options)
{
    /// <summary>Decoded objects and span records per byte of protobuf, measured by bench/ingest.sh.</summary>
    public const int ExpansionFactor = 4;

    /// <summary>Reserved for a body of unknown length (chunked) until it is read.</summary>
    public const long UnknownLengthReservation = 4 * 1024 * 1024;

    private long _inFlight;

    public long InFlightBytes => Interlocked.Read(ref _inFlight);

    /// <summary>Reserves room for a request; returns the reservation to release, or null when over budget.</summary>
    public long? TryEnter(long? contentLength, bool compressed)
    {
        var wire = contentLength ?? UnknownLengthReservation;
        var bytes = Math.Min(wire * ExpansionFactor * (compressed ? 4 : 1), options.MaxRequestBytes * ExpansionFactor);
        var total = Interlocked.Add(ref _inFlight, bytes);
        // One request is always let through, however large, so a big batch is never refused forever.
        if (total > options.MaxInFlightBytes && total != bytes)
        {
            Interlocked.Add(ref _inFlight, -bytes);
            return null;
        }

        return bytes;
    }

    public void Leave(long reservation) => Interlocked.Add(ref _inFlight, -reservation);
}
