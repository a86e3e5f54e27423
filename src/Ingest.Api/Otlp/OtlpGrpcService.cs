using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Otlp.Rpc;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// OTLP/gRPC: the Export calls of the trace, metrics and logs services, served by Grpc.AspNetCore
/// (see <see cref="OtlpGrpcMethods"/>). The key is checked before the call by
/// <see cref="IngestKeyAuthentication"/>; the deadline from grpc-timeout cancels the call.
/// </summary>
public sealed class OtlpGrpcService(OtlpReceiver receiver)
{
    public const string ContentType = "application/grpc";

    public Task<IMessage> ExportAsync(Signal signal, IAsyncStreamReader<OtlpBody> messages, ServerCallContext call)
    {
        var http = call.GetHttpContext();
        return ExportAsync(signal, IngestKeyIdentity.GrantOf(http.User), new GrpcBody(messages, http.Request), call);
    }

    private async Task<IMessage> ExportAsync(Signal signal, IngestKeyGrant key, GrpcBody body, ServerCallContext call)
    {
        var result = await receiver.ReceiveAsync(signal, json: false, key, body, call.CancellationToken);
        return result.Response ?? throw await RefuseAsync(call, result);
    }

    public static StatusCode CodeFor(ExportStatus status) => status switch
    {
        ExportStatus.Ok => StatusCode.OK,
        ExportStatus.Unauthenticated => StatusCode.Unauthenticated,
        ExportStatus.Undecodable or ExportStatus.Unstorable => StatusCode.InvalidArgument,
        ExportStatus.TooLarge or ExportStatus.RateLimited => StatusCode.ResourceExhausted,
        _ => StatusCode.Unavailable,
    };

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// A refusal before the call starts (the key): a status-only answer, as gRPC servers give; or,
    /// with a retry hint (the key could not be checked), headers and then trailers carrying it.
    /// </summary>
    public static async Task RefuseBeforeCallAsync(HttpContext context, ExportResult refusal)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var code = CodeFor(refusal.Status);
        var status = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = Uri.EscapeDataString(refusal.Message ?? "");
        if (refusal.RetryAfter > TimeSpan.Zero && response.SupportsTrailers())
        {
            await response.StartAsync(context.RequestAborted);
            response.AppendTrailer("grpc-status", status);
            response.AppendTrailer("grpc-message", message);
            // Binary metadata is sent base64-encoded without padding.
            response.AppendTrailer("grpc-status-details-bin", Convert.ToBase64String(StatusDetails(code, refusal)).TrimEnd('='));
            return;
        }

        response.Headers["grpc-status"] = status;
        response.Headers["grpc-message"] = message;
    }

    /// <summary>
    /// The refusal as the call's status. A retry hint goes in grpc-status-details-bin as a
    /// google.rpc.RetryInfo, in real trailers (headers first): exporters ignore it in a status-only answer.
    /// </summary>
    private static async Task<RpcException> RefuseAsync(ServerCallContext call, ExportResult refusal)
    {
        var code = CodeFor(refusal.Status);
        var trailers = new Metadata();
        if (refusal.RetryAfter > TimeSpan.Zero)
        {
            trailers.Add("grpc-status-details-bin", StatusDetails(code, refusal));
            await call.WriteResponseHeadersAsync([]);
        }

        return new RpcException(new Grpc.Core.Status(code, refusal.Message ?? ""), trailers);
    }

    /// <summary>A google.rpc.Status holding the refusal and a google.rpc.RetryInfo with its delay.</summary>
    private static byte[] StatusDetails(StatusCode code, ExportResult refusal)
    {
        var details = new Rpc.Status { Code = (int)code, Message = refusal.Message ?? "" };
        details.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(refusal.RetryAfter) }));
        return details.ToByteArray();
    }

    /// <summary>The one message of the call, unframed (and inflated) by the gRPC server.</summary>
    private sealed class GrpcBody(IAsyncStreamReader<OtlpBody> messages, HttpRequest request) : IOtlpBodySource
    {
        public long? DeclaredLength => request.ContentLength;

        public bool Compressed => request.Headers["grpc-encoding"].ToString() is { Length: > 0 } encoding && encoding != "identity";

        public async Task<OtlpBody> ReadAsync(Admission admission, Admission.Reservation reservation, CancellationToken cancellationToken)
        {
            if (!await messages.MoveNext(cancellationToken))
            {
                throw new OtlpBody.ReadException(ExportStatus.Undecodable, "the call carries no request message");
            }

            var body = messages.Current;
            try
            {
                if (await messages.MoveNext(cancellationToken))
                {
                    messages.Current.Dispose();
                    throw new OtlpBody.ReadException(ExportStatus.Undecodable, "Export is a unary call: send one request message per call");
                }
            }
            catch
            {
                body.Dispose();
                throw;
            }

            return body;
        }
    }
}
