using Tollgate.Analytics.Configuration;

namespace Tollgate.Ingest.Api.Pipeline;

/// <summary>
/// Bounds the memory that requests being read, decoded and queued may hold: a request reserves
/// its size before its body is read and is refused with 503 when the budget is spent. Decoded
/// spans take a few times the wire size, so the reservation is a multiple of it. A compressed
/// body's size is known only as it is inflated, so its reservation grows with it, and a request
/// whose body outgrows what is left of the budget is refused while it is read.
/// </summary>
public sealed class Admission(IngestOptions options)
{
    /// <summary>Decoded objects and span records per byte of protobuf, measured by bench/ingest.sh.</summary>
    public const int ExpansionFactor = 4;

    /// <summary>Reserved for a body of unknown length (chunked) until it is read.</summary>
    public const long UnknownLengthReservation = 4 * 1024 * 1024;

    private long _inFlight;

    public long InFlightBytes => Interlocked.Read(ref _inFlight);

    /// <summary>The memory one request holds a claim on.</summary>
    public sealed class Reservation
    {
        internal Reservation(long bytes) => Bytes = bytes;

        public long Bytes { get; internal set; }
    }

    /// <summary>Reserves room for a request; returns the reservation to release, or null when over budget.</summary>
    public Reservation? TryEnter(long? contentLength, bool compressed)
    {
        var wire = contentLength ?? UnknownLengthReservation;
        var bytes = Math.Min(wire * ExpansionFactor * (compressed ? 4 : 1), options.MaxRequestBytes * ExpansionFactor);
        return TryAdd(bytes, held: 0) ? new Reservation(bytes) : null;
    }

    /// <summary>
    /// Makes the reservation cover a body that has grown to <paramref name="bodyBytes"/>: false
    /// when other requests already hold the rest of the budget (the request should be refused).
    /// Grows in doublings, so a body read in many pieces takes few steps.
    /// </summary>
    public bool TryGrow(Reservation reservation, long bodyBytes)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var needed = bodyBytes * ExpansionFactor;
        if (needed <= reservation.Bytes)
        {
            return true;
        }

        var target = Math.Min(Math.Max(needed, reservation.Bytes * 2), options.MaxRequestBytes * ExpansionFactor);
        target = Math.Max(target, needed);
        if (!TryAdd(target - reservation.Bytes, reservation.Bytes))
        {
            return false;
        }

        reservation.Bytes = target;
        return true;
    }

    public void Leave(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        Interlocked.Add(ref _inFlight, -reservation.Bytes);
        reservation.Bytes = 0;
    }

    // One request is always let through, however large, so a big batch is never refused forever:
    // the budget only refuses a request when others hold part of it.
    private bool TryAdd(long bytes, long held)
    {
        var total = Interlocked.Add(ref _inFlight, bytes);
        if (total > options.MaxInFlightBytes && total != bytes + held)
        {
            Interlocked.Add(ref _inFlight, -bytes);
            return false;
        }

        return true;
    }
}
