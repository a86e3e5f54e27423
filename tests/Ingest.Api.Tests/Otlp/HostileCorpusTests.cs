using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp;
using Tollgate.Ingest.Api.Otlp.Proto;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;

namespace Tollgate.Ingest.Api.Tests.Otlp;

/// <summary>
/// A generated corpus of malformed and hostile exports (random mutations of valid protobuf and
/// JSON, NUL and invalid UTF-8, extreme numbers and times, wrong-length ids, deep nesting) over
/// OTLP/HTTP and OTLP/gRPC: never a server error, and the spans stored before stay stored.
/// </summary>
[Collection(IngestCollection.Name)]
public sealed class HostileCorpusTests(IngestFixture fixture)
{
    /// <summary>Cases per transport and encoding; the seed is fixed, so a failure can be replayed.</summary>
    private const int Cases = 400;

    private static ExportTraceServiceRequest Valid(Random random)
    {
        var trace = NewTraceId();
        var start = DateTime.UtcNow.AddSeconds(-random.Next(1, 3600));
        return Request(
        [
            Span(trace, NewSpanId(), null, "agent run", start, ("tollgate.team", "search"), ("gen_ai.operation.name", "invoke_agent")),
            Span(trace, NewSpanId(), NewSpanId(), "chat gpt-4o-mini", start.AddMilliseconds(5),
                ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.system", "openai"), ("gen_ai.usage.input_tokens", random.Next(0, 5000)),
                ("gen_ai.usage.output_tokens", random.Next(0, 500)), ("gen_ai.usage.cost", random.NextDouble())),
        ], ("service.name", "corpus"));
    }

    /// <summary>Hostile values at the places a span carries them, built as valid protobuf.</summary>
    private static ExportTraceServiceRequest Hostile(Random random)
    {
        var request = Valid(random);
        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[random.Next(2)];
        switch (random.Next(9))
        {
            case 0: span.Name = "x\0y\uFFFF\uD800"[..random.Next(1, 5)]; break;
            case 1: span.Attributes.Add(Attr("gen_ai.usage.input_tokens", long.MinValue + random.Next(3))); break;
            case 2: span.Attributes.Add(Attr("gen_ai.usage.cost", random.Next(2) == 0 ? double.NaN : double.MaxValue)); break;
            case 3: span.StartTimeUnixNano = ulong.MaxValue - (ulong)random.Next(3); break;
            case 4: span.TraceId = ByteString.CopyFrom(new byte[random.Next(0, 40)]); break;
            case 5: span.SpanId = ByteString.CopyFrom(new byte[] { 1, 2, 3 }); break;
            case 6: span.Attributes.Add(new KeyValue { Key = "deep", Value = Nested(random.Next(20, 200)) }); break;
            case 7: span.Attributes.Add(Attr(new string('k', random.Next(1, 20_000)), new string('\0', random.Next(0, 10)))); break;
            default: span.EndTimeUnixNano = 1; break;
        }

        return request;
    }

    private static AnyValue Nested(int depth)
    {
        var value = new AnyValue { StringValue = "bottom" };
        for (var i = 0; i < depth; i++)
        {
            var list = new AnyValue { ArrayValue = new ArrayValue() };
            list.ArrayValue.Values.Add(value);
            value = list;
        }

        return value;
    }

    /// <summary>Flips, drops, repeats or inserts bytes of an encoded request.</summary>
    private static byte[] Mutate(byte[] bytes, Random random)
    {
        var mutated = new List<byte>(bytes);
        for (var i = random.Next(1, 8); i > 0 && mutated.Count > 0; i--)
        {
            var at = random.Next(mutated.Count);
            switch (random.Next(4))
            {
                case 0: mutated[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: mutated.RemoveRange(at, Math.Min(random.Next(1, 16), mutated.Count - at)); break;
                case 2: mutated.InsertRange(at, mutated.GetRange(at, Math.Min(random.Next(1, 32), mutated.Count - at))); break;
                default: mutated.Insert(at, (byte)random.Next(256)); break;
            }
        }

        return [.. mutated];
    }

    private async Task<int> PostHttpAsync(byte[] body, string contentType)
    {
        using var client = fixture.OtlpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PostAsync(new Uri("/v1/traces", UriKind.Relative), content);
        return (int)response.StatusCode;
    }

    /// <summary>The call's grpc-status: in the trailers after a message, or in the headers of a status-only answer.</summary>
    private async Task<string> CallGrpcAsync(byte[] message)
    {
        var (response, _) = await GrpcIngestTests.CallAsync(fixture.App.OtlpGrpcAddress, message);
        using (response)
        {
            return GrpcIngestTests.Trailer(response, "grpc-status") is { Length: > 0 } trailer ? trailer
                : response.Headers.TryGetValues("grpc-status", out var header) ? header.Single() : $"http {(int)response.StatusCode}";
        }
    }

    [Fact]
    public async Task No_hostile_or_mutated_export_gets_a_server_error_and_stored_spans_stay()
    {
        var random = new Random(20261201);
        var before = Valid(random);
        (await PostHttpAsync(before.ToByteArray(), OtlpHttpEndpoints.Protobuf)).ShouldBe(200);
        var beforeTrace = before.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.ToByteArray();
        var failures = new List<string>();
        var sent = 0;

        for (var i = 0; i < Cases; i++)
        {
            var request = i % 2 == 0 ? Hostile(random) : Valid(random);
            var protobuf = i % 2 == 0 ? request.ToByteArray() : Mutate(request.ToByteArray(), random);
            var json = Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(request));
            json = i % 2 == 0 ? json : Mutate(json, random);

            var viaProtobuf = await PostHttpAsync(protobuf, OtlpHttpEndpoints.Protobuf);
            var viaJson = await PostHttpAsync(json, OtlpHttpEndpoints.Json);
            var viaGrpc = await CallGrpcAsync(protobuf);
            sent += 3;
            // 200 (some or all spans kept), 400 (undecodable or refused data); gRPC OK or INVALID_ARGUMENT.
            if (viaProtobuf is not (200 or 400))
            {
                failures.Add($"case {i} protobuf: {viaProtobuf}");
            }

            if (viaJson is not (200 or 400))
            {
                failures.Add($"case {i} json: {viaJson}");
            }

            if (viaGrpc is not ("0" or "3"))
            {
                failures.Add($"case {i} grpc: {viaGrpc}");
            }
        }

        sent.ShouldBe(3 * Cases);
        failures.ShouldBeEmpty();
        (await fixture.SpansAsync(beforeTrace)).Count.ShouldBe(2);
        (await PostHttpAsync(Valid(random).ToByteArray(), OtlpHttpEndpoints.Protobuf)).ShouldBe(200);
    }
}
