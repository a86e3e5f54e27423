using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Insights;

/// <summary>Cost and calls of one feature on one model and tier (tier null when unknown).</summary>
public sealed record CostCell(string? Feature, string? Model, string? Tier, long Calls, decimal CostUsd);

/// <summary>One feature's requests, cache hits, billing cost and revenue prorated to the window.</summary>
public sealed record FeatureFigures(string? Feature, long Requests, long CacheHitRequests, decimal CostUsd, decimal RevenueUsd)
{
    public decimal MarginUsd => RevenueUsd - CostUsd;
}

/// <summary>
/// The organisation's own figures over a window: the input of maturity, benchmarks and
/// scenarios. Requests are traces; cost is the billing spans' coalesce(provided, computed).
/// </summary>
public sealed record OrganisationFigures
{
    public required QueryWindow Window { get; init; }
    public long Requests { get; init; }
    public long RoutedRequests { get; init; }
    public long CacheHitRequests { get; init; }
    public long BillingSpans { get; init; }
    public long PricedBillingSpans { get; init; }
    public decimal CostUsd { get; init; }

    /// <summary>Billing cost whose spans carry both a team and a feature.</summary>
    public decimal AttributedCostUsd { get; init; }

    public decimal RevenueUsd { get; init; }

    /// <summary>Billing spans on a custom-priced or fine-tuned (<c>ft:</c>...) model.</summary>
    public long CustomModelCalls { get; init; }

    /// <summary>Guardrail and evaluation spans (OpenInference GUARDRAIL / EVALUATOR, or so named), counted with their request.</summary>
    public long QualityCheckSpans { get; init; }

    /// <summary>Budgets defined, in every project.</summary>
    public int Budgets { get; init; }

    public IReadOnlyList<FeatureFigures> Features { get; init; } = [];
    public IReadOnlyList<CostCell> Cells { get; init; } = [];

    /// <summary>Average catalogue price (input + output, USD per million tokens) per tier: the fallback tier ratios.</summary>
    public IReadOnlyDictionary<string, decimal> CatalogueTierPrices { get; init; } = new Dictionary<string, decimal>();
}
