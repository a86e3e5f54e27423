using System.Diagnostics;

namespace Tollgate.OrchestratedApp.Demo;

/// <summary>
/// Model calls as three instrumentation libraries record them: OpenTelemetry GenAI (agents),
/// OpenLLMetry (gateway guardrails) and OpenInference (retrieval). Each returns its end time.
/// </summary>
public sealed class ModelCalls(SpanEmitter emitter, Random random)
{
    /// <summary>How a call went: ok, failed at the provider, a resend of a failed call, or a fallback.</summary>
    public enum Attempt
    {
        Ok,
        Failed,
        Resend,
        Fallback,
    }

    private static readonly (string Type, int Status)[] ProviderErrors =
        [("rate_limit_exceeded", 429), ("overloaded", 529), ("server_error", 500), ("timeout", 504)];

    public DateTimeOffset GenAiChat(ActivityContext parent, Model model, DateTimeOffset start, Usage usage, Attempt attempt = Attempt.Ok)
    {
        var span = SpanEmitter.Start(emitter.Agents, "chat " + model.Name, ActivityKind.Client, parent, start);
        span.SetTag("gen_ai.operation.name", "chat");
        span.SetTag("gen_ai.provider.name", model.Provider);
        span.SetTag("gen_ai.request.model", model.Name);
        if (attempt == Attempt.Failed)
        {
            var (type, status) = ProviderErrors[random.Next(ProviderErrors.Length)];
            span.SetTag("error.type", type);
            span.SetTag("http.response.status_code", status);
            span.SetStatus(ActivityStatusCode.Error, type);
            var failedAt = start + TimeSpan.FromMilliseconds(random.Next(200, 3000));
            emitter.End(span, failedAt);
            return failedAt;
        }

        span.SetTag("gen_ai.response.model", model.Name);
        span.SetTag("gen_ai.usage.input_tokens", usage.Input);
        span.SetTag("gen_ai.usage.output_tokens", usage.Output);
        SetIfAny(span, "gen_ai.usage.cache_read.input_tokens", usage.CacheRead);
        SetIfAny(span, "gen_ai.usage.cache_creation.input_tokens", usage.CacheWrite);
        SetIfAny(span, "gen_ai.usage.reasoning.output_tokens", usage.Reasoning);
        if (attempt == Attempt.Resend)
        {
            span.SetTag("http.request.resend_count", 1);
        }
        else if (attempt == Attempt.Fallback)
        {
            span.SetTag("tollgate.fallback", true);
        }

        var end = start + usage.Latency(random);
        emitter.End(span, end);
        return end;
    }

    /// <summary>OpenLLMetry: a task span around the provider call, token counts under their old names.</summary>
    public DateTimeOffset OpenLlmetryChat(ActivityContext parent, string task, Model model, DateTimeOffset start, Usage usage)
    {
        var taskSpan = SpanEmitter.Start(emitter.Gateway, task + ".task", ActivityKind.Internal, parent, start);
        taskSpan.SetTag("traceloop.span.kind", "task");
        taskSpan.SetTag("traceloop.entity.name", task);

        var call = SpanEmitter.Start(emitter.Gateway, model.Provider + ".chat", ActivityKind.Client, taskSpan.Context, start + Millis(1));
        call.SetTag("llm.request.type", "chat");
        call.SetTag("gen_ai.system", model.Provider);
        call.SetTag("gen_ai.request.model", model.Name);
        call.SetTag("gen_ai.response.model", model.Name);
        call.SetTag("gen_ai.usage.prompt_tokens", usage.Input);
        call.SetTag("gen_ai.usage.completion_tokens", usage.Output);
        SetIfAny(call, "gen_ai.usage.cache_read_input_tokens", usage.CacheRead);
        var end = start + Millis(1) + usage.Latency(random);
        emitter.End(call, end);
        emitter.End(taskSpan, end + Millis(1));
        return end + Millis(1);
    }

    /// <summary>OpenInference: <c>LLM</c> or <c>EMBEDDING</c> spans with <c>llm.*</c> names.</summary>
    public DateTimeOffset OpenInference(ActivityContext parent, string kind, string name, Model model, DateTimeOffset start, Usage usage)
    {
        var span = SpanEmitter.Start(emitter.Retrieval, name, ActivityKind.Client, parent, start);
        span.SetTag("openinference.span.kind", kind);
        span.SetTag("llm.model_name", model.Name);
        span.SetTag("llm.provider", model.Provider);
        span.SetTag("llm.token_count.prompt", usage.Input);
        if (kind == "EMBEDDING")
        {
            span.SetTag("embedding.model_name", model.Name);
        }
        else
        {
            span.SetTag("llm.token_count.completion", usage.Output);
            SetIfAny(span, "llm.token_count.prompt_details.cache_read", usage.CacheRead);
            SetIfAny(span, "llm.token_count.completion_details.reasoning", usage.Reasoning);
        }

        span.SetTag("llm.token_count.total", usage.Input + usage.Output);
        var end = start + usage.Latency(random);
        emitter.End(span, end);
        return end;
    }

    public static TimeSpan Millis(double value) => TimeSpan.FromMilliseconds(value);

    private static void SetIfAny(Activity span, string key, long value)
    {
        if (value > 0)
        {
            span.SetTag(key, value);
        }
    }
}
