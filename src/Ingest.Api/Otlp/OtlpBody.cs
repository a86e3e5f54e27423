using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>A request body read into a pooled buffer; dispose to return the buffer.</summary>
public sealed class OtlpBody : IDisposable
{
    private byte[]? _buffer;

    private OtlpBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Raised when a body cannot be read; carries the HTTP status to answer.</summary>
    public sealed class ReadException(int statusCode, string message, TimeSpan retryAfter = default) : Exception(message)
    {
        public int StatusCode { get; } = statusCode;

        /// <summary>When to try again, for a refusal that is about load rather than the body.</summary>
        public TimeSpan RetryAfter { get; } = retryAfter;
    }

    /// <summary>
    /// Reads a body, decompressing gzip on the fly, refusing with 413 as soon as it grows past
    /// <paramref name="maxBytes"/>: a small compressed "bomb" never expands beyond the limit.
    /// With an admission <paramref name="reservation"/>, the body is also refused with 503 as soon
    /// as it outgrows the memory left to requests, so many bombs at once cannot exhaust it.
    /// </summary>
    public static async Task<OtlpBody> ReadAsync(HttpContext context, Stream source, bool gzip, long maxBytes,
        Admission? admission = null, Admission.Reservation? reservation = null)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Kestrel's own default (30 MB) is below the OTLP limit; this method enforces the limit.
            sizeFeature.MaxRequestBodySize = null;
        }

        var stream = gzip ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true) : source;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(context.Request.ContentLength ?? 64 * 1024, 4096, 4 * 1024 * 1024));
        var length = 0;
        try
        {
            // Reads up to one byte past the limit, so a body of exactly the limit passes and
            // anything longer is caught however the stream splits it.
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var room = (int)Math.Min(buffer.Length - length, maxBytes + 1 - length);
                var read = await stream.ReadAsync(buffer.AsMemory(length, room), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                if (admission is not null && reservation is not null && !admission.TryGrow(reservation, length))
                {
                    throw new ReadException(StatusCodes.Status503ServiceUnavailable,
                        "Tollgate is receiving more data than it can hold right now; retry later", WriteQueue.QueueFullRetryAfter);
                }
            }

            return new OtlpBody(buffer, length);
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new ReadException(StatusCodes.Status400BadRequest, "the body is not valid gzip");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            if (gzip)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static ReadException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413RequestEntityTooLarge, $"the body is larger than the limit of {maxBytes} bytes after decompression; send smaller batches");

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
