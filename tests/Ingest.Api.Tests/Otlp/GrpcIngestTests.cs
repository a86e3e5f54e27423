using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Tollgate.Analytics.Keys;
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
    internal static Task<(HttpResponseMessage Response, byte[] Body)> CallAsync(Uri grpcAddress, byte[] message, string? key = RunningApp.IngestKey, bool gzip = false) =>
        CallAsync(grpcAddress, new ByteArrayContent(Frame(message, gzip)), key, gzip);

    private static async Task<(HttpResponseMessage Response, byte[] Body)> CallAsync(Uri grpcAddress, HttpContent content, string? key, bool gzip, string? timeout = null)
    {
        using var client = new HttpClient { BaseAddress = grpcAddress };
        // Cleartext HTTP/2 with prior knowledge, as gRPC clients speak it.
        using var request = new HttpRequestMessage(HttpMethod.Post, ExportPath)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);
        }

        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        if (timeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        }

        // A deadline's answer may be followed by a reset of the unfinished request: take the status
        // from the headers of that status-only answer rather than reading a body.
        var response = await client.SendAsync(request, timeout is null ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead);
        var body = timeout is null ? await response.Content.ReadAsByteArrayAsync() : [];
        response.Version.ShouldBe(HttpVersion.Version20);
        return (response, body);
    }

    /// <summary>The 5-byte prefix (compressed flag, big-endian length) and the message, gzipped when asked.</summary>
    private static byte[] Frame(byte[] message, bool gzip)
    {
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var stream = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                stream.Write(message);
            }

            message = compressed.ToArray();
        }

        var frame = new byte[5 + message.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    internal static string Trailer(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) ? values.Single() : "";

    /// <summary>The call's grpc-status: in the trailers after a message, or in the headers of a status-only answer.</summary>
    internal static string StatusOf(HttpResponseMessage response) =>
        Trailer(response, "grpc-status") is { Length: > 0 } trailer ? trailer
            : response.Headers.TryGetValues("grpc-status", out var header) ? header.Single() : $"http {(int)response.StatusCode}";

    private static string MessageOf(HttpResponseMessage response) => Uri.UnescapeDataString(
        Trailer(response, "grpc-message") is { Length: > 0 } trailer ? trailer
            : response.Headers.TryGetValues("grpc-message", out var header) ? header.Single() : "");

    [Fact]
    public async Task A_valid_export_answers_OK_with_an_empty_response_message()
    {
        var trace = NewTraceId();

        var (response, body) = await CallAsync(Request([Span(trace, NewSpanId(), null, "x", DateTime.UtcNow.AddSeconds(-1))]).ToByteArray());

        StatusOf(response).ShouldBe("0");
        body.ShouldBe(new byte[5]);
        (await fixture.SpansAsync(trace)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Undecodable_data_answers_INVALID_ARGUMENT()
    {
        var (response, _) = await CallAsync([0x0A, 0xFF, 0xFF, 0x01]);

        StatusOf(response).ShouldBe("3");
        MessageOf(response).ShouldContain("not a valid protobuf");
    }

    [Fact]
    public async Task A_missing_key_answers_UNAUTHENTICATED()
    {
        var (response, _) = await CallAsync(Request([]).ToByteArray(), key: null);

        StatusOf(response).ShouldBe("16");
    }

    [Fact]
    public async Task An_unknown_or_revoked_key_answers_UNAUTHENTICATED_and_stores_nothing()
    {
        const string revoked = "tg_ingest_revoked_grpc_key_for_this_test";
        await fixture.App.Database.ExecuteAsync($"""
            INSERT INTO ingest_keys (project_id, name, key_hash, key_prefix, revoked_at)
            VALUES (1, 'old grpc', '\x{Convert.ToHexString(KeyHasher.Hash(revoked))}', 'tg_ingest_re…', now())
            ON CONFLICT DO NOTHING
            """);
        var trace = NewTraceId();
        var message = Request([Span(trace, NewSpanId(), null, "x", DateTime.UtcNow.AddSeconds(-1))]).ToByteArray();

        var (unknown, _) = await CallAsync(message, key: "tg_ingest_no_such_key_0123456789abcdef");
        var (refused, _) = await CallAsync(message, key: revoked);

        StatusOf(unknown).ShouldBe("16");
        StatusOf(refused).ShouldBe("16");
        MessageOf(refused).ShouldContain("ingest key");
        (await fixture.SpansAsync(trace)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_key_that_cannot_be_checked_answers_UNAVAILABLE_with_a_retry_delay_in_the_trailers()
    {
        // An app of its own: its database goes away.
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        await app.Database.SetConnectionsAllowedAsync(false);
        try
        {
            var (response, _) = await CallAsync(app.OtlpGrpcAddress, Request([]).ToByteArray(), key: "tg_ingest_not_cached_nor_in_the_snapshot_01");

            // Headers first, then trailers: exporters read a retry hint only from real trailers.
            response.Headers.Contains("grpc-status").ShouldBeFalse();
            Trailer(response, "grpc-status").ShouldBe("14");
            var details = Tollgate.Ingest.Api.Otlp.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Padded(Trailer(response, "grpc-status-details-bin"))));
            details.Code.ShouldBe(14);
            var delay = details.Details.Single().Unpack<Tollgate.Ingest.Api.Otlp.Rpc.RetryInfo>().RetryDelay.ToTimeSpan();
            delay.ShouldBe(Tollgate.Ingest.Api.Pipeline.WriteQueue.DatabaseRetryAfter);
        }
        finally
        {
            await app.Database.SetConnectionsAllowedAsync(true);
        }
    }

    private static string Padded(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');

    [Fact]
    public async Task A_gzip_compressed_message_is_accepted()
    {
        var trace = NewTraceId();

        var (response, body) = await CallAsync(fixture.App.OtlpGrpcAddress, Request([Span(trace, NewSpanId(), null, "x", DateTime.UtcNow.AddSeconds(-1))]).ToByteArray(), gzip: true);

        StatusOf(response).ShouldBe("0");
        body.ShouldBe(new byte[5]);
        (await fixture.SpansAsync(trace)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_gzip_bomb_answers_RESOURCE_EXHAUSTED_without_inflating_past_the_limit()
    {
        var zeros = new byte[64 * 1024 * 1024];

        var (response, _) = await CallAsync(fixture.App.OtlpGrpcAddress, zeros, gzip: true);

        StatusOf(response).ShouldBe("8");
        MessageOf(response).ShouldContain("after decompression");
    }

    [Fact]
    public async Task A_call_whose_deadline_passes_before_its_message_arrives_answers_DEADLINE_EXCEEDED()
    {
        using var content = new StalledContent();

        var (response, _) = await CallAsync(fixture.App.OtlpGrpcAddress, content, RunningApp.IngestKey, gzip: false, timeout: "200m");
        content.Release();

        response.Headers.GetValues("grpc-status").Single().ShouldBe("4");
    }

    /// <summary>Sends the start of a message, then nothing until released: the call cannot finish before its deadline.</summary>
    private sealed class StalledContent : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var frame = Frame(Request([]).ToByteArray(), gzip: false);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), 1000);
            await stream.WriteAsync(frame);
            await stream.FlushAsync();
            // Bounded so that a server that never answers fails the test instead of hanging it.
            await _released.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Rejected_spans_come_back_in_partial_success()
    {
        var bad = Span(NewTraceId(), NewSpanId(), null, "x", DateTime.UtcNow);
        bad.EndTimeUnixNano = 0;

        var (response, body) = await CallAsync(Request([bad]).ToByteArray());

        StatusOf(response).ShouldBe("0");
        var partial = ExportTraceServiceResponse.Parser.ParseFrom(body.AsSpan(5)).PartialSuccess;
        partial.RejectedSpans.ShouldBe(1);
        partial.ErrorMessage.ShouldBe("1 span rejected: 1 with no end time");
    }
}
