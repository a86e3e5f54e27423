using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Otlp.Rpc;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// OTLP/gRPC served on Kestrel directly (no gRPC server library is available here). A unary call
/// is an HTTP/2 POST whose body is one length-prefixed message; the answer is one length-prefixed
/// message followed by grpc-status / grpc-message trailers.
/// </summary>
public static class OtlpGrpcEndpoints
{
    private const int Ok = 0;
    private const int InvalidArgument = 3;
    private const int ResourceExhausted = 8;
    private const int Unimplemented = 12;
    private const int Unavailable = 14;
    private const int Unauthenticated = 16;

    public static void MapOtlpGrpc(this IEndpointRouteBuilder app, int port, long maxRequestBytes)
    {
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", (HttpContext c, OtlpReceiver r, Admission a) => HandleAsync(c, r, a, Signal.Traces, port, maxRequestBytes)).ExcludeFromDescription();
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", (HttpContext c, OtlpReceiver r, Admission a) => HandleAsync(c, r, a, Signal.Metrics, port, maxRequestBytes)).ExcludeFromDescription();
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", (HttpContext c, OtlpReceiver r, Admission a) => HandleAsync(c, r, a, Signal.Logs, port, maxRequestBytes)).ExcludeFromDescription();
    }

    private static async Task HandleAsync(HttpContext context, OtlpReceiver receiver, Admission admission, Signal signal, int port, long maxRequestBytes)
    {
        if (context.Connection.LocalPort != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        IngestKeyGrant? key;
        try
        {
            key = await receiver.AuthenticateAsync(context.Request);
        }
        catch (KeyStoreUnavailableException ex)
        {
            await FinishAsync(context, Unavailable, ex.Message, retryAfter: WriteQueue.DatabaseRetryAfter);
            return;
        }

        if (key is null)
        {
            await FinishAsync(context, Unauthenticated, "a valid ingest key is required: send 'authorization: Bearer <key>' or 'x-api-key: <key>' metadata");
            return;
        }

        var compressed = context.Request.Headers["grpc-encoding"].ToString() is { Length: > 0 } encoding && encoding != "identity";
        if (admission.TryEnter(context.Request.ContentLength, compressed) is not { } reservation)
        {
            await FinishAsync(context, Unavailable, "Tollgate is receiving more data than it can hold right now; retry later", retryAfter: WriteQueue.QueueFullRetryAfter);
            return;
        }

        try
        {
            using var body = await OtlpBody.ReadAsync(context, context.Request.Body, gzip: false, maxRequestBytes + 5, admission, reservation);
            var message = await UnframeAsync(context, body.Memory, maxRequestBytes, admission, reservation);
            var (result, response) = await receiver.ExportAsync(signal, message, json: false, key);
            switch (result.Status)
            {
                case ExportStatus.Ok:
                    await FinishAsync(context, Ok, null, response);
                    break;
                case ExportStatus.RateLimited:
                    await FinishAsync(context, ResourceExhausted, result.Message, retryAfter: result.RetryAfter);
                    break;
                case ExportStatus.Unstorable:
                    await FinishAsync(context, InvalidArgument, result.Message);
                    break;
                default:
                    await FinishAsync(context, Unavailable, result.Message, retryAfter: result.RetryAfter);
                    break;
            }
        }
        catch (OtlpBody.ReadException ex)
        {
            var code = ex.StatusCode switch
            {
                StatusCodes.Status413RequestEntityTooLarge => ResourceExhausted,
                StatusCodes.Status503ServiceUnavailable => Unavailable,
                _ => InvalidArgument,
            };
            await FinishAsync(context, code, ex.Message, retryAfter: ex.RetryAfter);
        }
        catch (GrpcFrameException ex)
        {
            await FinishAsync(context, ex.Code, ex.Message);
        }
        catch (UndecodableException ex)
        {
            await FinishAsync(context, InvalidArgument, ex.Message);
        }
        finally
        {
            admission.Leave(reservation);
        }
    }

    private sealed class GrpcFrameException(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }

    /// <summary>Strips the 5-byte prefix (compressed flag, big-endian length) and decompresses if flagged.</summary>
    private static async Task<ReadOnlyMemory<byte>> UnframeAsync(
        HttpContext context, ReadOnlyMemory<byte> frame, long maxRequestBytes, Admission admission, Admission.Reservation reservation)
    {
        if (frame.Length < 5)
        {
            throw new GrpcFrameException(InvalidArgument, "the request holds no gRPC message");
        }

        var compressed = frame.Span[0] == 1;
        var length = BinaryPrimitives.ReadUInt32BigEndian(frame.Span[1..5]);
        if (length != frame.Length - 5)
        {
            throw new GrpcFrameException(InvalidArgument, "the gRPC message length does not match the body (one message per unary call)");
        }

        if (!compressed)
        {
            return frame[5..];
        }

        var encoding = context.Request.Headers["grpc-encoding"].ToString();
        if (!string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcFrameException(Unimplemented, $"message compression '{encoding}' is not supported: use gzip");
        }

        using var source = new MemoryStream(frame[5..].ToArray(), writable: false);
        using var body = await OtlpBody.ReadAsync(context, source, gzip: true, maxRequestBytes, admission, reservation);
        return body.Memory.ToArray();
    }

    private static async Task FinishAsync(HttpContext context, int code, string? message, IMessage? response = null, TimeSpan retryAfter = default)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-accept-encoding"] = "gzip";
        if (response is not null)
        {
            // Clients need the message even when it is empty (five zero bytes).
            var payload = response.ToByteArray();
            var frame = new byte[5 + payload.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
            payload.CopyTo(frame, 5);
            await context.Response.Body.WriteAsync(frame);
        }
        else
        {
            // Exporters honour retry hints only in real trailers, which need the headers sent first.
            await context.Response.Body.FlushAsync();
        }

        context.Response.AppendTrailer("grpc-status", code.ToString(CultureInfo.InvariantCulture));
        if (message is not null)
        {
            context.Response.AppendTrailer("grpc-message", Uri.EscapeDataString(message));
        }

        if (retryAfter > TimeSpan.Zero)
        {
            var details = new Status { Code = code, Message = message ?? "" };
            details.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
            context.Response.AppendTrailer("grpc-status-details-bin", Convert.ToBase64String(details.ToByteArray()).TrimEnd('='));
        }
    }
}
