namespace Tollgate.Analytics.Spans;

/// <summary>Operation names, as the conventions spell them, that mean "a model was called".</summary>
public static class Operations
{
    private static readonly HashSet<string> Inference = new(StringComparer.OrdinalIgnoreCase)
    {
        // OpenTelemetry GenAI.
        "chat", "text_completion", "generate_content", "embeddings",
        // OpenInference span kinds.
        "LLM", "EMBEDDING",
        // OpenLLMetry's traceloop.span.kind has no inference kind; its LLM spans carry gen_ai.* names.
        "completion",
    };

    public static bool IsInference(string? operation) => operation is not null && Inference.Contains(operation);
}
