namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Attributes that carry prompts, completions and tool payloads. A cost dashboard needs none of
/// them and they may hold personal data, so they are dropped unless a project turns capture on.
/// </summary>
internal static class ContentAttributes
{
    private static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.prompt", "gen_ai.completion",
        "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.tool.definitions",
        "input.value", "output.value", "llm.prompts", "llm.completions", "llm.tools",
        "traceloop.entity.input", "traceloop.entity.output",
        "langfuse.observation.input", "langfuse.observation.output", "langfuse.trace.input", "langfuse.trace.output",
        "ai.prompt", "ai.prompt.messages", "ai.response.text", "ai.response.object", "ai.response.toolCalls",
    };

    private static readonly string[] Prefixes =
    [
        "gen_ai.prompt.", "gen_ai.completion.", "llm.input_messages.", "llm.output_messages.", "llm.prompts.",
        "llm.completions.", "llm.prompt_template.", "input.", "output.", "retrieval.documents.", "embedding.embeddings.",
    ];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ExactLookup = Exact.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsContent(ReadOnlySpan<char> key)
    {
        if (ExactLookup.Contains(key))
        {
            return true;
        }

        foreach (var prefix in Prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
