using System.Collections.Frozen;

namespace Tollgate.Analytics.Pricing;

/// <summary>
/// Maps the provider names that telemetry and price files use onto the catalogue's providers:
/// OpenTelemetry GenAI values (<c>gcp.vertex_ai</c>, <c>azure.ai.openai</c>...), older semantic
/// convention values, LiteLLM provider names and model-name prefixes (<c>azure/gpt-4o</c>).
/// </summary>
public static class ProviderNames
{
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";
    public const string Google = "google";
    public const string Mistral = "mistral";
    public const string DeepSeek = "deepseek";
    public const string XAi = "xai";
    public const string Bedrock = "aws.bedrock";

    /// <summary>Model makers, preferred over hosts when a span names no provider.</summary>
    public static IReadOnlyList<string> FirstParty { get; } = [OpenAi, Anthropic, Google, Mistral, DeepSeek, XAi];

    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        // OpenTelemetry gen_ai.provider.name and the older gen_ai.system values.
        ["azure.ai.openai"] = OpenAi,
        ["gcp.gemini"] = Google,
        ["gcp.vertex_ai"] = Google,
        ["gcp.gen_ai"] = Google,
        ["vertex_ai"] = Google,
        ["gemini"] = Google,
        ["mistral_ai"] = Mistral,
        ["x_ai"] = XAi,
        ["bedrock"] = Bedrock,
        ["aws_bedrock"] = Bedrock,
        // LiteLLM's provider names and model prefixes. Azure OpenAI bills OpenAI's list prices.
        ["azure"] = OpenAi,
        ["text-completion-openai"] = OpenAi,
        ["bedrock_converse"] = Bedrock,
        ["together_ai"] = "together",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Lower-cased and mapped onto the catalogue's name; null when blank.</summary>
    public static string? Normalise(string? provider)
    {
        if (string.IsNullOrWhiteSpace(provider))
        {
            return null;
        }

        var lower = provider.Trim().ToLowerInvariant();
        if (Aliases.TryGetValue(lower, out var mapped))
        {
            return mapped;
        }

        // LiteLLM splits Vertex AI into vertex_ai-language-models, vertex_ai-anthropic_models...
        return lower.StartsWith("vertex_ai-", StringComparison.Ordinal) ? Google : lower;
    }

    /// <summary>True when the name is one of the aliases above rather than a name used as is.</summary>
    public static bool IsAlias(string lowerName) =>
        Aliases.ContainsKey(lowerName) || lowerName.StartsWith("vertex_ai-", StringComparison.Ordinal);
}
