using System.IO.Compression;
using Grpc.Net.Compression;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// gzip for OTLP/gRPC messages that inflates no further than the request limit. The gRPC server
/// inflates a whole message before handing it over, so without a limit here a small "bomb" would
/// expand without bound.
/// </summary>
internal sealed class GrpcGzip(long maxBytes) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) => new Inflater(new GZipStream(stream, CompressionMode.Decompress), maxBytes);

    /// <summary>Reads through gzip, failing once more than the limit has come out.</summary>
    private sealed class Inflater(GZipStream gzip, long maxBytes) : Stream
    {
        private long _inflated;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = gzip.Read(buffer);
            }
            catch (InvalidDataException)
            {
                throw OtlpBody.NotGzip();
            }

            _inflated += read;
            return _inflated > maxBytes ? throw OtlpBody.TooLarge(maxBytes) : read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                gzip.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
