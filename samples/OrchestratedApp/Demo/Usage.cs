namespace Tollgate.OrchestratedApp.Demo;

/// <summary>Token usage of one call, GenAI semantics: input includes cache tokens, output includes reasoning.</summary>
public sealed record Usage(long Input, long Output, long CacheRead, long CacheWrite, long Reasoning)
{
    public static Usage Sample(Random random, Model model, int minInput, int maxInput, int minOutput, int maxOutput)
    {
        long input = random.Next(minInput, maxInput + 1);
        long output = random.Next(minOutput, maxOutput + 1);
        // System prompts and tool definitions are cached prefixes on most calls of a busy system.
        var cacheRead = random.NextDouble() < 0.45 ? (long)(input * (0.3 + (0.5 * random.NextDouble()))) : 0;
        // Anthropic bills writing the prefix into its cache separately; the first call of a prefix writes it.
        var cacheWrite = model.Provider == "anthropic" && cacheRead == 0 && random.NextDouble() < 0.25
            ? (long)(input * (0.2 + (0.4 * random.NextDouble())))
            : 0;
        var reasoning = model.Reasoning ? (long)(output * (0.2 + (0.5 * random.NextDouble()))) : 0;
        return new Usage(input, output, cacheRead, cacheWrite, reasoning);
    }

    /// <summary>How long a provider takes: time to first token plus generation speed.</summary>
    public TimeSpan Latency(Random random) =>
        TimeSpan.FromMilliseconds(150 + random.Next(0, 250) + (Output * (8 + random.Next(0, 12))) + (Input / 50.0));
}
