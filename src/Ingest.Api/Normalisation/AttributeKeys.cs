using System.Collections.Frozen;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Every attribute key Tollgate understands, with its meaning and its rank among the aliases of
/// that meaning (lower wins). Span attributes always beat resource attributes.
/// </summary>
internal static class AttributeKeys
{
    public const int FieldCount = (int)Field.ServiceNamespace + 1;

    public static FrozenDictionary<string, (Field Field, int Rank)> Known { get; } = Build();

    /// <summary>Looks keys up from characters decoded on the stack, without a string per key.</summary>
    public static FrozenDictionary<string, (Field Field, int Rank)>.AlternateLookup<ReadOnlySpan<char>> KnownByChars { get; } =
        Known.GetAlternateLookup<ReadOnlySpan<char>>();

    private static FrozenDictionary<string, (Field, int)> Build()
    {
        var map = new Dictionary<string, (Field, int)>(StringComparer.Ordinal);
        void Add(Field field, params string[] keys)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                map.Add(keys[i], (field, i));
            }
        }

        Add(Field.Provider, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system");
        Add(Field.Model, "gen_ai.response.model", "gen_ai.request.model", "llm.response.model_name", "llm.request.model_name",
            "llm.model_name", "langfuse.observation.model.name", "ai.model.id",
            // OpenInference names an embedding's model only here.
            "embedding.model_name");
        // llm.request.type is OpenLLMetry's name for the operation of its LLM spans.
        Add(Field.Operation, "gen_ai.operation.name", "openinference.span.kind", "traceloop.span.kind", "llm.request.type");
        Add(Field.InputTokens, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt");
        Add(Field.OutputTokens, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion");
        Add(Field.CacheReadTokens, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
            "llm.token_count.prompt_details.cache_read");
        Add(Field.CacheWriteTokens, "gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
            "gen_ai.usage.cache_creation_input_tokens", "llm.token_count.prompt_details.cache_write");
        Add(Field.ReasoningTokens, "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens",
            "llm.token_count.completion_details.reasoning");
        Add(Field.ProvidedCost, "gen_ai.usage.cost.amount", "gen_ai.usage.cost", "llm.cost.total");
        Add(Field.CostCurrency, "gen_ai.usage.cost.currency");
        Add(Field.Team, "tollgate.team", "traceloop.association.properties.team");
        Add(Field.Feature, "tollgate.feature", "traceloop.association.properties.feature");
        Add(Field.Customer, "tollgate.customer", "traceloop.association.properties.customer");
        Add(Field.User, "user.id", "enduser.id", "langfuse.user.id");
        Add(Field.Session, "session.id", "gen_ai.conversation.id");
        Add(Field.Agent, "gen_ai.agent.name", "agent.name");
        Add(Field.Tool, "gen_ai.tool.name", "tool.name");
        Add(Field.WorkflowName, "gen_ai.workflow.name");
        Add(Field.RouteDecision, "tollgate.route.decision");
        Add(Field.RouteTier, "tollgate.route.tier");
        Add(Field.CacheHit, "tollgate.cache.hit");
        Add(Field.Fallback, "tollgate.fallback");
        Add(Field.ResendCount, "http.request.resend_count");
        Add(Field.RetryAttempt, "tollgate.retry.attempt");
        Add(Field.ResponseId, "gen_ai.response.id");
        Add(Field.ServiceName, "service.name");
        Add(Field.ServiceNamespace, "service.namespace");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
