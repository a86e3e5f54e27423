namespace Tollgate.OrchestratedApp.Demo;

public enum Tier
{
    Small,
    Mid,
    Frontier,
}

/// <summary>A model the router can pick; names match the seeded price catalogue.</summary>
public sealed record Model(string Name, string Provider, Tier Tier, bool Reasoning);

/// <summary>The fictional company: its teams, features, customers and the models it routes to.</summary>
public static class Catalog
{
    public static readonly IReadOnlyList<Model> Models =
    [
        new("gpt-4o-mini", "openai", Tier.Small, false),
        new("claude-haiku-4-5", "anthropic", Tier.Small, false),
        new("gemini-2.5-flash", "google", Tier.Small, true),
        new("claude-sonnet-5", "anthropic", Tier.Mid, true),
        new("gpt-6-sol", "openai", Tier.Mid, true),
        new("gpt-4o", "openai", Tier.Frontier, false),
        new("claude-opus-4-8", "anthropic", Tier.Frontier, true),
    ];

    public static readonly Model Guardrail = Models[0];
    public static readonly Model QualityCheck = Models[1];
    public static readonly Model QueryRewrite = Models[2];
    public static readonly Model Embedding = new("text-embedding-3-small", "openai", Tier.Small, false);

    /// <summary>Team, feature, agent that serves it, whether it searches documents, relative traffic.</summary>
    public static readonly IReadOnlyList<(string Team, string Feature, string Agent, bool Retrieves, int Weight)> Features =
    [
        ("search", "answers", "answer-agent", true, 5),
        ("search", "summaries", "summary-agent", true, 2),
        ("support", "triage", "triage-agent", false, 4),
        ("growth", "digest", "digest-agent", false, 1),
    ];

    public static readonly IReadOnlyList<string> Customers =
    [
        "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "cyberdyne",
        "soylent", "vandelay", "pied-piper", "dunder-mifflin", "oscorp", "aperture", "black-mesa", "monarch",
        "gringotts", "nakatomi",
    ];

    public static IEnumerable<Model> InTier(Tier tier) => Models.Where(m => m.Tier == tier);
}
