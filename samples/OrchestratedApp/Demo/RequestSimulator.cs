using System.Diagnostics;
using static Tollgate.OrchestratedApp.Demo.ModelCalls;

namespace Tollgate.OrchestratedApp.Demo;

/// <summary>
/// One request through the system: gateway (guardrail, semantic cache, router) calls the agents
/// service (agent, tools, sub-agent, quality check), whose search tool calls the retrieval service.
/// </summary>
public sealed class RequestSimulator(SpanEmitter emitter, Random random)
{
    private readonly ModelCalls _calls = new(emitter, random);

    public void Simulate(RequestPlan plan, DateTimeOffset start)
    {
        var root = SpanEmitter.Start(emitter.Gateway, "POST /v1/" + plan.Feature, ActivityKind.Server, default, start);
        root.SetTag("http.request.method", "POST");
        root.SetTag("http.route", "/v1/" + plan.Feature);
        root.SetTag("tollgate.team", plan.Team);
        root.SetTag("tollgate.feature", plan.Feature);
        root.SetTag("tollgate.customer", plan.Customer);
        root.SetTag("user.id", plan.User);

        var t = _calls.OpenLlmetryChat(root.Context, "input_guardrail", Catalog.Guardrail, start + Millis(2), Usage.Sample(random, Catalog.Guardrail, 300, 900, 5, 30));

        var lookup = SpanEmitter.Start(emitter.Gateway, "semantic_cache lookup", ActivityKind.Client, root.Context, t);
        var hit = plan.Outcome == Outcome.CacheHit;
        lookup.SetTag("tollgate.cache.hit", hit);
        lookup.SetTag("db.system.name", "redis");
        t += Millis(random.Next(3, 25));
        emitter.End(lookup, t);
        if (!hit)
        {
            var router = SpanEmitter.Start(emitter.Gateway, "route", ActivityKind.Internal, root.Context, t);
            router.SetTag("tollgate.route.decision", plan.Model.Name);
            router.SetTag("tollgate.route.tier", plan.Model.Tier.ToString().ToLowerInvariant());
            t += Millis(random.Next(1, 4));
            emitter.End(router, t);

            t = CallAgents(root, plan, t);
            t = _calls.OpenLlmetryChat(root.Context, "output_guardrail", Catalog.Guardrail, t, Usage.Sample(random, Catalog.Guardrail, 400, 1500, 5, 30));
        }

        emitter.End(root, t + Millis(2));
    }

    private DateTimeOffset CallAgents(Activity gatewaySpan, RequestPlan plan, DateTimeOffset start)
    {
        var client = SpanEmitter.Start(emitter.Gateway, "POST /agents/run", ActivityKind.Client, gatewaySpan.Context, start);
        var headers = SpanEmitter.Inject(client);

        var agent = SpanEmitter.Start(emitter.Agents, "invoke_agent " + plan.Agent, ActivityKind.Server, SpanEmitter.Extract(headers), start + Millis(3));
        agent.SetTag("gen_ai.operation.name", "invoke_agent");
        agent.SetTag("gen_ai.agent.name", plan.Agent);
        var t = start + Millis(5);
        if (plan.Retrieves)
        {
            t = SearchTool(agent, t);
        }

        t = MainCall(agent.Context, plan, t);
        if (plan.CallsSubAgent)
        {
            var sub = SpanEmitter.Start(emitter.Agents, "invoke_agent fact-checker", ActivityKind.Internal, agent.Context, t);
            sub.SetTag("gen_ai.operation.name", "invoke_agent");
            sub.SetTag("gen_ai.agent.name", "fact-checker");
            t = _calls.GenAiChat(sub.Context, Catalog.Guardrail, t + Millis(1), Usage.Sample(random, Catalog.Guardrail, 1500, 4000, 50, 300));
            emitter.End(sub, t + Millis(1));
        }

        t = _calls.GenAiChat(agent.Context, Catalog.QualityCheck, t + Millis(1), Usage.Sample(random, Catalog.QualityCheck, 800, 2500, 10, 80));
        emitter.End(agent, t + Millis(1));
        emitter.End(client, t + Millis(3));
        return t + Millis(3);
    }

    /// <summary>The routed call, after a provider error answered by a resend or by another model.</summary>
    private DateTimeOffset MainCall(ActivityContext parent, RequestPlan plan, DateTimeOffset start)
    {
        var usage = Usage.Sample(random, plan.Model, 1200, 9000, 150, 1400);
        if (plan.Outcome is Outcome.Answered)
        {
            return _calls.GenAiChat(parent, plan.Model, start, usage);
        }

        var failedAt = _calls.GenAiChat(parent, plan.Model, start, usage, Attempt.Failed);
        var backoff = Millis(random.Next(200, 1200));
        return plan.Outcome == Outcome.Retried
            ? _calls.GenAiChat(parent, plan.Model, failedAt + backoff, usage, Attempt.Resend)
            : _calls.GenAiChat(parent, plan.FallbackModel!, failedAt + Millis(5), usage with { CacheRead = 0, CacheWrite = 0 }, Attempt.Fallback);
    }

    private DateTimeOffset SearchTool(Activity agent, DateTimeOffset start)
    {
        var tool = SpanEmitter.Start(emitter.Agents, "execute_tool search_documents", ActivityKind.Client, agent.Context, start);
        tool.SetTag("gen_ai.operation.name", "execute_tool");
        tool.SetTag("gen_ai.tool.name", "search_documents");
        var headers = SpanEmitter.Inject(tool);

        var retriever = SpanEmitter.Start(emitter.Retrieval, "retrieve", ActivityKind.Server, SpanEmitter.Extract(headers), start + Millis(2));
        retriever.SetTag("openinference.span.kind", "RETRIEVER");
        var t = _calls.OpenInference(retriever.Context, "LLM", "rewrite_query", Catalog.QueryRewrite, start + Millis(3), Usage.Sample(random, Catalog.QueryRewrite, 200, 600, 20, 60));
        t = _calls.OpenInference(retriever.Context, "EMBEDDING", "embed_query", Catalog.Embedding, t, Usage.Sample(random, Catalog.Embedding, 10, 60, 0, 0) with { CacheRead = 0 });
        var search = SpanEmitter.Start(emitter.Retrieval, "vector_search", ActivityKind.Client, retriever.Context, t);
        search.SetTag("db.system.name", "postgresql");
        search.SetTag("retrieval.documents.count", random.Next(3, 11));
        t += Millis(random.Next(8, 60));
        emitter.End(search, t);
        emitter.End(retriever, t + Millis(1));
        emitter.End(tool, t + Millis(3));
        return t + Millis(3);
    }
}
