using Google.Protobuf;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>Raised when a body is not a valid message of the signal; answered as 400 / INVALID_ARGUMENT.</summary>
public sealed class UndecodableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What OTLP/HTTP and OTLP/gRPC share: finding the key, decoding a message of either encoding,
/// exporting it, and building the response message. The transports only map statuses.
/// </summary>
public sealed class OtlpReceiver(IngestKeyStore keys, TraceExport traces)
{
    /// <summary>The key from "Authorization: Bearer KEY" or "x-api-key: KEY" (both settable through OTEL_EXPORTER_OTLP_HEADERS).</summary>
    public static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }

    public async Task<IngestKeyGrant?> AuthenticateAsync(HttpRequest request) =>
        ReadKey(request) is { Length: > 0 and <= 512 } key ? await keys.FindAsync(key, request.HttpContext.RequestAborted) : null;

    public async Task<(ExportResult Result, IMessage Response)> ExportAsync(Signal signal, ReadOnlyMemory<byte> body, bool json, IngestKeyGrant key)
    {
        switch (signal)
        {
            case Signal.Traces:
            {
                var result = await traces.CommitAsync(PrepareTraces(body, json, key));
                var response = new ExportTraceServiceResponse();
                if (result.Message is not null)
                {
                    response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.Message };
                }

                return (result, response);
            }

            case Signal.Metrics:
            {
                var request = Decode(body, json, ExportMetricsServiceRequest.Parser, OtlpJson.ParseMetricsRequest, "ExportMetricsServiceRequest");
                var points = OtlpCounts.DataPoints(request);
                var response = new ExportMetricsServiceResponse();
                if (points > 0)
                {
                    response.PartialSuccess = new ExportMetricsPartialSuccess
                    {
                        RejectedDataPoints = points,
                        ErrorMessage = "Tollgate stores traces only: metrics are not stored. Send traces to /v1/traces.",
                    };
                }

                return (ExportResult.Accepted(points, response.PartialSuccess?.ErrorMessage), response);
            }

            default:
            {
                var request = Decode(body, json, ExportLogsServiceRequest.Parser, OtlpJson.ParseLogsRequest, "ExportLogsServiceRequest");
                var records = OtlpCounts.LogRecords(request);
                var response = new ExportLogsServiceResponse();
                if (records > 0)
                {
                    response.PartialSuccess = new ExportLogsPartialSuccess
                    {
                        RejectedLogRecords = records,
                        ErrorMessage = "Tollgate stores traces only: log records are not stored. Send traces to /v1/traces.",
                    };
                }

                return (ExportResult.Accepted(records, response.PartialSuccess?.ErrorMessage), response);
            }
        }
    }

    // Not async on purpose: nothing decoded from the body may live in a state machine across the commit.
    private TraceExport.Prepared PrepareTraces(ReadOnlyMemory<byte> body, bool json, IngestKeyGrant key)
    {
        try
        {
            // Protobuf is normalised straight from its bytes; JSON is decoded, then encoded to
            // protobuf so that both take the one normalisation path.
            var protobuf = json ? Decode(body, json, ExportTraceServiceRequest.Parser, OtlpJson.ParseTraceRequest, "ExportTraceServiceRequest").ToByteArray() : body;
            return traces.Prepare(protobuf, key);
        }
        catch (Wire.WireFormatException ex)
        {
            throw new UndecodableException($"the body is not a valid protobuf ExportTraceServiceRequest: {ex.Message}", ex);
        }
    }

    private static T Decode<T>(ReadOnlyMemory<byte> body, bool json, MessageParser<T> parser, Func<ReadOnlyMemory<byte>, T> parseJson, string name)
        where T : IMessage<T>
    {
        try
        {
            return json ? parseJson(body) : parser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new UndecodableException($"the body is not a valid protobuf {name}: {ex.Message}", ex);
        }
        catch (OtlpDecodeException ex)
        {
            throw new UndecodableException($"the body is not a valid OTLP/JSON {name}: {ex.Message}", ex);
        }
    }
}
