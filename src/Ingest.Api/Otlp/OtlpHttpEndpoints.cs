using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Otlp.Rpc;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>OTLP/HTTP: POST /v1/traces, /v1/metrics and /v1/logs, protobuf or JSON, optionally gzip.</summary>
public static class OtlpHttpEndpoints
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    private const int InvalidArgument = (int)Grpc.Core.StatusCode.InvalidArgument;

    public static void MapOtlpHttp(this IEndpointRouteBuilder app, int port, long maxRequestBytes)
    {
        app.MapPost("/v1/traces", (HttpContext c, OtlpReceiver r) => HandleAsync(c, r, Signal.Traces, port, maxRequestBytes)).ExcludeFromDescription().RequireAuthorization(IngestKeyAuthentication.Policy);
        app.MapPost("/v1/metrics", (HttpContext c, OtlpReceiver r) => HandleAsync(c, r, Signal.Metrics, port, maxRequestBytes)).ExcludeFromDescription().RequireAuthorization(IngestKeyAuthentication.Policy);
        app.MapPost("/v1/logs", (HttpContext c, OtlpReceiver r) => HandleAsync(c, r, Signal.Logs, port, maxRequestBytes)).ExcludeFromDescription().RequireAuthorization(IngestKeyAuthentication.Policy);
    }

    private static async Task HandleAsync(HttpContext context, OtlpReceiver receiver, Signal signal, int port, long maxRequestBytes)
    {
        // Routes are not scoped to a port; OTLP/HTTP answers only on its own.
        if (context.Connection.LocalPort != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var json = IsJson(context.Request);
        if (!json && !string.Equals(MediaType(context.Request), Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, json: false, StatusCodes.Status415UnsupportedMediaType, InvalidArgument,
                $"content type '{Shorten(context.Request.ContentType)}' is not supported: send {Protobuf} or {Json}");
            return;
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, json, StatusCodes.Status415UnsupportedMediaType, InvalidArgument,
                $"content encoding '{Shorten(encoding)}' is not supported: send gzip or no encoding");
            return;
        }

        var result = await receiver.ReceiveAsync(signal, json, IngestKeyIdentity.GrantOf(context.User), new HttpBody(context, gzip, maxRequestBytes), context.RequestAborted);
        await AnswerAsync(context, json, result);
    }

    /// <summary>The response message with 200, or the refusal's status with a google.rpc.Status, in the request's encoding.</summary>
    public static Task AnswerAsync(HttpContext context, bool json, ExportResult result) => result.Response is { } response
        ? WriteMessageAsync(context, json, StatusCodes.Status200OK, response)
        : WriteErrorAsync(context, json, StatusFor(result.Status), (int)OtlpGrpcService.CodeFor(result.Status), result.Message ?? "", result.RetryAfter);

    public static bool IsJson(HttpRequest request) => string.Equals(MediaType(request), Json, StringComparison.OrdinalIgnoreCase);

    private static int StatusFor(ExportStatus status) => status switch
    {
        ExportStatus.Unauthenticated => StatusCodes.Status401Unauthorized,
        ExportStatus.Undecodable or ExportStatus.Unstorable => StatusCodes.Status400BadRequest,
        ExportStatus.TooLarge => StatusCodes.Status413RequestEntityTooLarge,
        ExportStatus.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    private static string? MediaType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;

    private static async Task WriteMessageAsync(HttpContext context, bool json, int status, IMessage message)
    {
        context.Response.StatusCode = status;
        if (json)
        {
            context.Response.ContentType = Json;
            await context.Response.WriteAsync(OtlpJson.FormatResponse(message));
        }
        else
        {
            context.Response.ContentType = Protobuf;
            await context.Response.Body.WriteAsync(message.ToByteArray());
        }
    }

    /// <summary>Errors carry a google.rpc.Status in the request's encoding, as the specification asks.</summary>
    private static Task WriteErrorAsync(HttpContext context, bool json, int status, int grpcCode, string message, TimeSpan retryAfter = default)
    {
        if (retryAfter > TimeSpan.Zero)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return WriteMessageAsync(context, json, status, new Status { Code = grpcCode, Message = message });
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";

    /// <summary>The request stream, inflated as it is read when gzip.</summary>
    private sealed class HttpBody(HttpContext context, bool gzip, long maxBytes) : IOtlpBodySource
    {
        public long? DeclaredLength => context.Request.ContentLength;

        public bool Compressed => gzip;

        public Task<OtlpBody> ReadAsync(Admission admission, Admission.Reservation reservation, CancellationToken cancellationToken)
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            {
                // Kestrel's own default (30 MB) is below the OTLP limit; OtlpBody enforces the limit.
                sizeFeature.MaxRequestBodySize = null;
            }

            return OtlpBody.ReadAsync(context.Request.Body, gzip, DeclaredLength, maxBytes, admission, reservation, cancellationToken);
        }
    }
}
