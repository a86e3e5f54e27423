using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Otlp;

/// <summary>OTLP/gRPC status codes, seen from a plain HTTP/2 client.</summary>
[Collection(IngestCollection.Name)]
public sealed class GrpcIngestTests(IngestFixture fixture)
{
    private const string ExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private Task<(HttpResponseMessage Response, byte[] Body)> CallAsync(byte[] message, string? key = RunningApp.IngestKey) =>
        CallAsync(fixture.App.OtlpGrpcAddress, message, key);

    /// <summary>One unary Export call with a plain HTTP/2 client: the response and its body.</summary>
    internal static async Task<(HttpResponseMessage Response, byte[] Body)> CallAsync(Uri grpcAddress, byte[] message, string? key = RunningApp.IngestKey)
    {
        using var client = new HttpClient { BaseAddress = grpcAddress };
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        // Cleartext HTTP/2 with prior knowledge, as gRPC clients speak it.
        using var request = new HttpRequestMessage(HttpMethod.Post, ExportPath)
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);
        }

        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        response.Version.ShouldBe(HttpVersion.Version20);
        return (response, body);
    }

    internal static string Trailer(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task A_valid_export_answers_OK_with_an_empty_response_message()
    {
        var trace = NewTraceId();

        var (response, body) = await CallAsync(Request([Span(trace, NewSpanId(), null, "x", DateTime.UtcNow.AddSeconds(-1))]).ToByteArray());

        Trailer(response, "grpc-status").ShouldBe("0");
        body.ShouldBe(new byte[5]);
        (await fixture.SpansAsync(trace)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Undecodable_data_answers_INVALID_ARGUMENT()
    {
        var (response, _) = await CallAsync([0x0A, 0xFF, 0xFF, 0x01]);

        Trailer(response, "grpc-status").ShouldBe("3");
        Uri.UnescapeDataString(Trailer(response, "grpc-message")).ShouldContain("not a valid protobuf");
    }

    [Fact]
    public async Task A_missing_key_answers_UNAUTHENTICATED()
    {
        var (response, _) = await CallAsync(Request([]).ToByteArray(), key: null);

        Trailer(response, "grpc-status").ShouldBe("16");
    }

    [Fact]
    public async Task Rejected_spans_come_back_in_partial_success()
    {
        var bad = Span(NewTraceId(), NewSpanId(), null, "x", DateTime.UtcNow);
        bad.EndTimeUnixNano = 0;

        var (response, body) = await CallAsync(Request([bad]).ToByteArray());

        Trailer(response, "grpc-status").ShouldBe("0");
        var partial = ExportTraceServiceResponse.Parser.ParseFrom(body.AsSpan(5)).PartialSuccess;
        partial.RejectedSpans.ShouldBe(1);
        partial.ErrorMessage.ShouldBe("1 span rejected: 1 with no end time");
    }
}
