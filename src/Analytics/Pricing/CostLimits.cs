namespace Tollgate.Analytics.Pricing;

/// <summary>
/// What one span's usage and cost may be. Beyond these a value is a client's bug, not a bill, and
/// it would also overflow spans.provided_cost_usd and computed_cost_usd (numeric(20,10): under 10^10)
/// and fail the whole commit it arrived in.
/// </summary>
public static class CostLimits
{
    /// <summary>A billion dollars for one model call; a cost at or above it is ignored.</summary>
    public const long MaxUsd = 1_000_000_000;

    /// <summary>
    /// Ten billion tokens in one count: a thousand times the largest context window offered today.
    /// At the dearest list prices that is a few million dollars; a custom price high enough to pass
    /// <see cref="MaxUsd"/> leaves the span without a computed cost.
    /// </summary>
    public const long MaxTokens = 10_000_000_000;
}
