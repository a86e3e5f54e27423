using System.Globalization;
using Google.Protobuf;
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

    public static void MapOtlpHttp(this IEndpointRouteBuilder app, int port, long maxRequestBytes)
    {
        app.MapPost("/v1/traces", (HttpContext c, OtlpReceiver r, Admission a) => HandleAsync(c, r, a, Signal.Traces, port, maxRequestBytes)).ExcludeFromDescription();
        app.MapPost("/v1/metrics", (HttpContext c, OtlpReceiver r, Admission a) => HandleAsync(c, r, a, Signal.Metrics, port, maxRequestBytes)).ExcludeFromDescription();
        app.MapPost("/v1/logs", (HttpContext c, OtlpReceiver r, Admission a) => HandleAsync(c, r, a, Signal.Logs, port, maxRequestBytes)).ExcludeFromDescription();
    }

    private static async Task HandleAsync(HttpContext context, OtlpReceiver receiver, Admission admission, Signal signal, int port, long maxRequestBytes)
    {
        // Routes are not scoped to a port; OTLP/HTTP answers only on its own.
        if (context.Connection.LocalPort != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var mediaType = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        var json = string.Equals(mediaType, Json, StringComparison.OrdinalIgnoreCase);
        if (!json && !string.Equals(mediaType, Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, json: false, StatusCodes.Status415UnsupportedMediaType,
                $"content type '{Shorten(context.Request.ContentType)}' is not supported: send {Protobuf} or {Json}");
            return;
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, json, StatusCodes.Status415UnsupportedMediaType,
                $"content encoding '{Shorten(encoding)}' is not supported: send gzip or no encoding");
            return;
        }

        IngestKeyGrant? key;
        try
        {
            key = await receiver.AuthenticateAsync(context.Request);
        }
        catch (KeyStoreUnavailableException ex)
        {
            await WriteErrorAsync(context, json, StatusCodes.Status503ServiceUnavailable, ex.Message, WriteQueue.DatabaseRetryAfter);
            return;
        }

        if (key is null)
        {
            await WriteErrorAsync(context, json, StatusCodes.Status401Unauthorized,
                "a valid ingest key is required: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
            return;
        }

        if (admission.TryEnter(context.Request.ContentLength, gzip) is not { } reservation)
        {
            await WriteErrorAsync(context, json, StatusCodes.Status503ServiceUnavailable,
                "Tollgate is receiving more data than it can hold right now; retry later", WriteQueue.QueueFullRetryAfter);
            return;
        }

        try
        {
            using var body = await OtlpBody.ReadAsync(context, context.Request.Body, gzip, maxRequestBytes, admission, reservation);
            var (result, response) = await receiver.ExportAsync(signal, body.Memory, json, key);
            switch (result.Status)
            {
                case ExportStatus.Ok:
                    await WriteMessageAsync(context, json, StatusCodes.Status200OK, response);
                    break;
                case ExportStatus.RateLimited:
                    await WriteErrorAsync(context, json, StatusCodes.Status429TooManyRequests, result.Message!, result.RetryAfter);
                    break;
                case ExportStatus.Unstorable:
                    await WriteErrorAsync(context, json, StatusCodes.Status400BadRequest, result.Message!);
                    break;
                default:
                    await WriteErrorAsync(context, json, StatusCodes.Status503ServiceUnavailable, result.Message!, result.RetryAfter);
                    break;
            }
        }
        catch (OtlpBody.ReadException ex)
        {
            await WriteErrorAsync(context, json, ex.StatusCode, ex.Message, ex.RetryAfter);
        }
        catch (UndecodableException ex)
        {
            await WriteErrorAsync(context, json, StatusCodes.Status400BadRequest, ex.Message);
        }
        finally
        {
            admission.Leave(reservation);
        }
    }

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
    private static Task WriteErrorAsync(HttpContext context, bool json, int status, string message, TimeSpan retryAfter = default)
    {
        if (retryAfter > TimeSpan.Zero)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return WriteMessageAsync(context, json, status, new Status { Code = GrpcCodeFor(status), Message = message });
    }

    private static int GrpcCodeFor(int httpStatus) => httpStatus switch
    {
        400 => 3, // INVALID_ARGUMENT
        401 => 16, // UNAUTHENTICATED
        413 => 8, // RESOURCE_EXHAUSTED
        415 => 3,
        429 => 8,
        _ => 14, // UNAVAILABLE
    };

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 60 ? value : value[..60] + "…";
}
