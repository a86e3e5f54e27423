using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// A Span message as read off the wire: ids, name and status message as (start, length) slices
/// of the request buffer, numbers as they are. Its attributes stay unread KeyValue slices until
/// the span has passed validation.
/// </summary>
internal struct WireSpan
{
    // Field numbers of opentelemetry.proto.trace.v1.Span and Status.
    private const int TraceIdField = 1, SpanIdField = 2, ParentSpanIdField = 4, NameField = 5, KindField = 6, StartField = 7, EndField = 8,
        AttributesField = 9, StatusField = 15;
    private const int StatusMessageField = 2, StatusCodeField = 3;

    public (int Start, int Length) TraceId;
    public (int Start, int Length) SpanId;
    public (int Start, int Length) ParentSpanId;
    public (int Start, int Length) Name;
    public (int Start, int Length) StatusMessage;
    public short Kind;
    public short StatusCode;
    public ulong Start;
    public ulong End;

    /// <summary>Reads the Span message at a slice of the buffer; its attributes' KeyValue slices replace those in <paramref name="attributes"/>.</summary>
    public static WireSpan Read(ReadOnlySpan<byte> buffer, int start, int length, List<(int Start, int Length)> attributes)
    {
        var span = default(WireSpan);
        attributes.Clear();
        var reader = new WireReader(buffer, start, length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case TraceIdField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.trace_id");
                    span.TraceId = reader.ReadLengthDelimited();
                    break;
                case SpanIdField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.span_id");
                    span.SpanId = reader.ReadLengthDelimited();
                    break;
                case ParentSpanIdField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.parent_span_id");
                    span.ParentSpanId = reader.ReadLengthDelimited();
                    break;
                case NameField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.name");
                    span.Name = reader.ReadLengthDelimited();
                    break;
                case KindField:
                    WireReader.Expect(wireType, WireReader.Varint, "Span.kind");
                    span.Kind = (short)reader.ReadVarint();
                    break;
                case StartField:
                    WireReader.Expect(wireType, WireReader.Fixed64, "Span.start_time_unix_nano");
                    span.Start = reader.ReadFixed64();
                    break;
                case EndField:
                    WireReader.Expect(wireType, WireReader.Fixed64, "Span.end_time_unix_nano");
                    span.End = reader.ReadFixed64();
                    break;
                case AttributesField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.attributes");
                    attributes.Add(reader.ReadLengthDelimited());
                    break;
                case StatusField:
                    WireReader.Expect(wireType, WireReader.LengthDelimited, "Span.status");
                    span.ReadStatus(buffer, reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return span;
    }

    /// <summary>The parent's id, or null for a root span (no parent id, or one of all zeros).</summary>
    public readonly byte[]? ParentBytes(ReadOnlySpan<byte> buffer) =>
        ParentSpanId.Length == 8 && !IsAllZero(buffer.Slice(ParentSpanId.Start, 8)) ? buffer.Slice(ParentSpanId.Start, 8).ToArray() : null;

    public static bool IsAllZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);

    private void ReadStatus(ReadOnlySpan<byte> buffer, (int Start, int Length) status)
    {
        var reader = new WireReader(buffer, status.Start, status.Length);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == StatusMessageField && wireType == WireReader.LengthDelimited)
            {
                StatusMessage = reader.ReadLengthDelimited();
            }
            else if (field == StatusCodeField && wireType == WireReader.Varint)
            {
                StatusCode = (short)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }
}
