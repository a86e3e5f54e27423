using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Storage.Entities;

namespace Tollgate.Analytics.Benchmark;

/// <summary>
/// Deterministic, realistic traffic already resolved as the span writer would store it: six
/// teams owning twelve features, 300 customers, 3000 users, models of three providers across the
/// three tiers. A request is a root span, often an agent span, and one to three model calls;
/// some requests are routed, some served from cache, some fall back or retry after an error.
/// </summary>
internal sealed class TrafficGenerator
{
    private static readonly (string Team, string Feature)[] Features =
    [
        ("search", "answers"), ("search", "query-rewrite"), ("support", "triage"), ("support", "reply-draft"),
        ("growth", "summaries"), ("growth", "recommendations"), ("platform", "embeddings"), ("platform", "moderation"),
        ("finance", "invoice-extract"), ("finance", "forecast-notes"), ("legal", "contract-review"), ("legal", "clause-search"),
    ];

    private static readonly (string Provider, string Model)[] Models =
    [
        ("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4.1-mini"),
        ("anthropic", "claude-sonnet-5"), ("anthropic", "claude-haiku-4-5"), ("anthropic", "claude-opus-5"),
        ("google", "gemini-2.5-flash"), ("google", "gemini-2.5-pro"),
    ];

    private readonly Random _random = new(42);
    private readonly Price?[] _prices;
    private readonly DateTime _from;
    private readonly long _spanTicks;
    private long _traces;

    public TrafficGenerator(PriceCatalogue catalogue, DateTime from, DateTime to)
    {
        _from = from;
        _spanTicks = (to - from).Ticks;
        _prices = [.. Models.Select(m => catalogue.Find(m.Provider, m.Model, from)?.Price)];
    }

    /// <summary>Appends the spans of one request (trace) to <paramref name="spans"/>, starting at <paramref name="startAt"/> or at a random time of the range.</summary>
    public void AddTrace(List<SpanRecord> spans, DateTime? startAt = null)
    {
        var n = ++_traces;
        var traceId = new byte[16];
        BitConverter.TryWriteBytes(traceId.AsSpan(0), n);
        BitConverter.TryWriteBytes(traceId.AsSpan(8), unchecked((ulong)n * 0x9E3779B97F4A7C15));
        var start = startAt ?? _from.AddTicks((long)(_random.NextDouble() * (_spanTicks - TimeSpan.TicksPerMinute)));
        var (team, feature) = Features[Skewed(Features.Length)];
        var customer = "customer-" + Skewed(300).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var user = "user-" + _random.Next(3000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cacheHit = _random.NextDouble() < 0.12;
        var routed = _random.NextDouble() < 0.6;
        var spanNumber = 0;
        SpanRecord Span(byte[]? parent, string name, DateTime at, TimeSpan length, string service) => new()
        {
            ProjectId = 1,
            TraceId = traceId,
            SpanId = BitConverter.GetBytes((n << 8) + ++spanNumber),
            ParentSpanId = parent,
            Service = service,
            Name = name,
            Kind = 1,
            StartTime = at,
            EndTime = at + length,
            StatusCode = 1,
            Team = team,
            Feature = feature,
            Customer = customer,
            UserId = user,
        };

        var root = Span(null, "POST /" + feature, start, TimeSpan.FromMilliseconds(_random.Next(200, 9000)), "gateway");
        root.AttributionExplicit = Attribution.Team | Attribution.Feature | Attribution.Customer;
        root.RouteDecision = routed ? "router" : null;
        root.CacheHit = cacheHit;
        spans.Add(root);
        if (cacheHit)
        {
            return;
        }

        var parent = root.SpanId;
        if (_random.NextDouble() < 0.5)
        {
            var agent = Span(root.SpanId, "invoke_agent " + feature, start.AddMilliseconds(5), TimeSpan.FromMilliseconds(_random.Next(100, 8000)), "agents");
            agent.Operation = "invoke_agent";
            spans.Add(agent);
            parent = agent.SpanId;
        }

        var at = start.AddMilliseconds(10);
        var calls = 1 + _random.Next(3);
        for (var i = 0; i < calls; i++)
        {
            var model = routed ? Skewed(Models.Length) : _random.Next(Models.Length);
            var call = Call(Span(parent, "chat", at, TimeSpan.FromMilliseconds(_random.Next(150, 6000)), "agents"), model);
            spans.Add(call);
            at = call.EndTime;
            var failure = _random.NextDouble();
            if (failure < 0.06)
            {
                // An error, then a fallback to another model (2 in 3) or a retry of the same one.
                call.StatusCode = 2;
                var next = failure < 0.04 ? (model + 1) % Models.Length : model;
                var second = Call(Span(parent, "chat", at, TimeSpan.FromMilliseconds(_random.Next(150, 6000)), "agents"), next);
                spans.Add(second);
                at = second.EndTime;
            }
        }
    }

    private SpanRecord Call(SpanRecord span, int model)
    {
        span.Operation = "chat";
        span.IsInference = true;
        span.Billing = true;
        span.Provider = Models[model].Provider;
        span.Model = Models[model].Model;
        span.InputTokens = _random.Next(200, 8000);
        span.OutputTokens = _random.Next(20, 1500);
        span.CacheReadTokens = _random.NextDouble() < 0.3 ? span.InputTokens / 2 : 0;
        span.ReasoningTokens = 0;
        if (_prices[model] is { } price)
        {
            span.ComputedCostUsd = CostFormula.Compute(new TokenUsage(span.InputTokens, span.OutputTokens, span.CacheReadTokens, 0, 0), price);
            span.PriceId = price.Id;
            span.CostSource = "computed";
        }

        return span;
    }

    // A few keys take most of the traffic, as in real systems.
    private int Skewed(int count) => (int)Math.Min(count - 1, Math.Floor(count * Math.Pow(_random.NextDouble(), 2)));
}
