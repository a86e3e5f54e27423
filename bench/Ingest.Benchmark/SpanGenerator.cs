using Google.Protobuf;
using Tollgate.Ingest.Api.Otlp.Proto;

namespace Tollgate.Ingest.Benchmark;

/// <summary>
/// Realistic GenAI traffic: traces of an agent root, routed model calls and a tool call, about
/// twenty attributes a span, packed in batches of 512 spans. Deterministic for a seed.
/// </summary>
internal static class SpanGenerator
{
    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4.1", "claude-haiku-4-5", "claude-opus-4-8", "gemini-2.5-flash"];
    private static readonly string[] Providers = ["openai", "openai", "openai", "openai", "anthropic", "anthropic", "google"];
    private static readonly string[] Teams = ["search", "support", "growth", "platform"];
    private static readonly string[] Features = ["answers", "triage", "summaries", "digest", "autocomplete"];

    public static List<ExportTraceServiceRequest> Batches(int count, int spansPerBatch, int seed, DateTime around)
    {
        var random = new Random(seed);
        var batches = new List<ExportTraceServiceRequest>(count);
        for (var b = 0; b < count; b++)
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "bench", Version = "1.0" } };
            while (scope.Spans.Count < spansPerBatch)
            {
                AddTrace(scope, random, around.AddSeconds(-random.Next(0, 3600)), spansPerBatch - scope.Spans.Count);
            }

            var resource = new Resource();
            resource.Attributes.Add(Attr("service.name", "bench-service-" + (b % 3)));
            resource.Attributes.Add(Attr("service.version", "2.4.1"));
            resource.Attributes.Add(Attr("deployment.environment", "production"));
            resource.Attributes.Add(Attr("telemetry.sdk.language", "dotnet"));
            batches.Add(new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } });
        }

        return batches;
    }

    private static void AddTrace(ScopeSpans scope, Random random, DateTime start, int room)
    {
        var trace = new byte[16];
        random.NextBytes(trace);
        trace[0] |= 1;
        var root = NewId(random);
        var team = Teams[random.Next(Teams.Length)];
        var feature = Features[random.Next(Features.Length)];
        var calls = Math.Min(room - 1, random.Next(2, 5));
        for (var i = 0; i < calls; i++)
        {
            var m = random.Next(Models.Length);
            var input = random.Next(200, 8000);
            scope.Spans.Add(Build(trace, NewId(random), root, "chat " + Models[m], start.AddMilliseconds(10 + (i * 400)), 380,
                ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", Providers[m]), ("gen_ai.request.model", Models[m]),
                ("gen_ai.response.model", Models[m]), ("gen_ai.usage.input_tokens", (long)input),
                ("gen_ai.usage.output_tokens", (long)random.Next(20, 1200)), ("gen_ai.usage.cache_read.input_tokens", (long)(input / 4)),
                ("gen_ai.response.id", "resp_" + random.Next()), ("gen_ai.response.finish_reasons", "stop"),
                ("gen_ai.request.temperature", 0.2), ("gen_ai.request.max_tokens", 2048L), ("server.address", "api.example.com"),
                ("server.port", 443L), ("http.request.method", "POST"), ("http.response.status_code", 200L),
                ("tollgate.route.decision", "router-v3"), ("gen_ai.conversation.id", "conv-" + random.Next(1000)),
                ("user.id", "user-" + random.Next(5000)), ("custom.experiment", "b"), ("custom.region", "eu-west-1")));
        }

        if (room > calls)
        {
            scope.Spans.Add(Build(trace, root, null, "invoke_agent assistant", start, 1500,
                ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "assistant"), ("tollgate.team", team),
                ("tollgate.feature", feature), ("tollgate.customer", "customer-" + random.Next(200)),
                ("gen_ai.conversation.id", "conv-" + random.Next(1000)), ("user.id", "user-" + random.Next(5000)),
                ("http.route", "/api/assist"), ("custom.tenant_tier", "enterprise"), ("custom.region", "eu-west-1")));
        }
    }

    private static byte[] NewId(Random random)
    {
        var id = new byte[8];
        random.NextBytes(id);
        id[0] |= 1;
        return id;
    }

    private static Span Build(byte[] trace, byte[] id, byte[]? parent, string name, DateTime start, int durationMs, params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(trace),
            SpanId = ByteString.CopyFrom(id),
            ParentSpanId = parent is null ? ByteString.Empty : ByteString.CopyFrom(parent),
            Name = name,
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = (ulong)(start - DateTime.UnixEpoch).Ticks * 100,
            EndTimeUnixNano = (ulong)(start.AddMilliseconds(durationMs) - DateTime.UnixEpoch).Ticks * 100,
            Status = new Status { Code = Status.Types.StatusCode.Ok },
        };
        foreach (var (key, value) in attributes)
        {
            span.Attributes.Add(Attr(key, value));
        }

        return span;
    }

    private static KeyValue Attr(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            _ => throw new ArgumentException(key),
        },
    };
}
