using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Api.Otlp;

/// <summary>
/// OTLP/JSON (the JSON mapping of the OTLP protobuf messages, with the OTLP exceptions: trace and
/// span ids are hex, enums may be integers, keys may be lowerCamelCase or snake_case, unknown
/// fields are ignored). Bad input always ends in <see cref="OtlpDecodeException"/>.
/// </summary>
public static class OtlpJson
{
    public static ExportTraceServiceRequest ParseTraceRequest(ReadOnlyMemory<byte> utf8Json) =>
        OtlpJsonReader.Parse<ExportTraceServiceRequest>(utf8Json.Span);

    public static ExportMetricsServiceRequest ParseMetricsRequest(ReadOnlyMemory<byte> utf8Json) =>
        OtlpJsonReader.Parse<ExportMetricsServiceRequest>(utf8Json.Span);

    public static ExportLogsServiceRequest ParseLogsRequest(ReadOnlyMemory<byte> utf8Json) =>
        OtlpJsonReader.Parse<ExportLogsServiceRequest>(utf8Json.Span);

    /// <summary>An export response as OTLP/JSON: lowerCamelCase keys, defaults omitted, int64 as a string.</summary>
    public static string FormatResponse(IMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // JsonFormatter writes "{ }" for an empty message; "{}" is the form the OTLP examples use.
        return response.CalculateSize() == 0 ? "{}" : JsonFormatter.Default.Format(response);
    }
}
