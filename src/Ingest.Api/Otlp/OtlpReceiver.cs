using Google.Protobuf;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Pipeline;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>Raised when a body is not a valid message of the signal; answered as 400 / INVALID_ARGUMENT.</summary>
public sealed class UndecodableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The one receive path behind OTLP/HTTP and OTLP/gRPC: admit the request into the memory
/// budget, read its body, decode and export it, and build the response message. The result is
/// transport-neutral; each transport only maps it onto its status codes.
/// </summary>
public sealed class OtlpReceiver(TraceExport traces, Admission admission)
{
    public async Task<ExportResult> ReceiveAsync(Signal signal, bool json, IngestKeyGrant key, IOtlpBodySource source, CancellationToken cancellationToken)
    {
        if (admission.TryEnter(source.DeclaredLength, source.Compressed) is not { } reservation)
        {
            return ExportResult.Overloaded;
        }

        try
        {
            TraceExport.Prepared prepared;
            using (var body = await source.ReadAsync(admission, reservation, cancellationToken))
            {
                // A message the gRPC server read for us is sized only now.
                if (!admission.TryGrow(reservation, body.Length))
                {
                    return ExportResult.Overloaded;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (signal != Signal.Traces)
                {
                    return Discard(signal, body.Memory, json);
                }

                prepared = PrepareTraces(body.Memory, json, key);
            }

            // The body's buffer is back in the pool: only the span records wait for the commit.
            return await CommitTracesAsync(prepared, cancellationToken);
        }
        catch (OtlpBody.ReadException ex)
        {
            return ex.Result;
        }
        catch (UndecodableException ex)
        {
            return new ExportResult(ExportStatus.Undecodable, Message: ex.Message);
        }
        finally
        {
            admission.Leave(reservation);
        }
    }

    private async Task<ExportResult> CommitTracesAsync(TraceExport.Prepared prepared, CancellationToken cancellationToken)
    {
        // A caller that stops waiting (a gRPC deadline, a closed connection) does not take back
        // spans already queued: resending them changes nothing stored.
        var result = await traces.CommitAsync(prepared).WaitAsync(cancellationToken);
        var response = new ExportTraceServiceResponse();
        if (result.Message is not null)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.Message };
        }

        return result.Status == ExportStatus.Ok ? result with { Response = response } : result;
    }

    /// <summary>Metrics and logs are decoded, to answer a malformed body as such, and counted as rejected.</summary>
    private static ExportResult Discard(Signal signal, ReadOnlyMemory<byte> body, bool json)
    {
        switch (signal)
        {
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

                return ExportResult.Accepted(points, response.PartialSuccess?.ErrorMessage) with { Response = response };
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

                return ExportResult.Accepted(records, response.PartialSuccess?.ErrorMessage) with { Response = response };
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
