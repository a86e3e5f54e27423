using System.Buffers;
using System.IO.Compression;
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

    /// <summary>The body's bytes; once disposed, its buffer may hold another request's body, so this throws.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer is { } buffer ? buffer.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(OtlpBody));

    /// <summary>Raised when a body cannot be read; carries the outcome to answer.</summary>
    public sealed class ReadException(ExportStatus status, string message) : Exception(message)
    {
        public ExportStatus Status { get; } = status;

        public ExportResult Result => Status == ExportStatus.Overloaded ? ExportResult.Overloaded : new(Status, Message: Message);
    }

    /// <summary>A message the gRPC server has already read, copied out of its buffers.</summary>
    public static OtlpBody Copy(ReadOnlySequence<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        return new OtlpBody(buffer, (int)payload.Length);
    }

    /// <summary>
    /// Reads a body, decompressing gzip on the fly, refusing it as too large as soon as it grows
    /// past <paramref name="maxBytes"/>: a small compressed "bomb" never expands beyond the limit.
    /// With an admission <paramref name="reservation"/>, the body is also refused as soon as it
    /// outgrows the memory left to requests, so many bombs at once cannot exhaust it.
    /// </summary>
    public static async Task<OtlpBody> ReadAsync(Stream source, bool gzip, long? declaredLength, long maxBytes,
        Admission? admission, Admission.Reservation? reservation, CancellationToken cancellationToken)
    {
        if (declaredLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var stream = gzip ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true) : source;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declaredLength ?? 64 * 1024, 4096, 4 * 1024 * 1024));
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
                var read = await stream.ReadAsync(buffer.AsMemory(length, room), cancellationToken);
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
                    throw new ReadException(ExportStatus.Overloaded, ExportResult.Overloaded.Message!);
                }
            }

            return new OtlpBody(buffer, length);
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw NotGzip();
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

    internal static ReadException NotGzip() => new(ExportStatus.Undecodable, "the body is not valid gzip");

    internal static ReadException TooLarge(long maxBytes) =>
        new(ExportStatus.TooLarge, $"the body is larger than the limit of {maxBytes} bytes after decompression; send smaller batches");

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
