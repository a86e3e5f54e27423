using System.Globalization;
using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Pricing;

namespace Tollgate.Analytics.Maturity;

/// <summary>One criterion of a maturity level, evaluated: met or not, with the figures that decided it.</summary>
public sealed record MaturityCriterion(int Level, string Name, bool Met, string Evidence, string Action);

/// <summary>The first unmet criterion and what to do about it.</summary>
public sealed record MaturityNextStep(int Level, string Criterion, string Action);

public sealed record MaturityResult(int Level, string Name, int Score, IReadOnlyList<MaturityCriterion> Criteria, MaturityNextStep? NextStep);

/// <summary>
/// Places the organisation on a seven-level AI cost maturity scale from its own figures.
/// A level is reached when its criteria and every lower level's are met; level 1
/// (Experimental) is the floor. Thresholds are named constants below.
/// </summary>
public static class MaturityAssessment
{
    /// <summary>Unpriced calls above 10% make per-request cost a guess.</summary>
    public const decimal PricedShareNeeded = 0.90m;

    /// <summary>Cost that most of the organisation can see as its own.</summary>
    public const decimal AttributedShareNeeded = 0.80m;

    public const int FeaturesWithRevenueNeeded = 2;

    /// <summary>Routing is "in use" once it decides for at least half of the requests.</summary>
    public const decimal RoutingCoverageNeeded = 0.50m;

    /// <summary>Routing and caching together saving this much against sending everything to frontier models.</summary>
    public const decimal SavingsNeeded = 0.40m;

    /// <summary>A feature with a contribution margin above this is healthy.</summary>
    public const decimal MarginNeeded = 0.50m;

    public static IReadOnlyList<(int Level, string Name, int Score)> Levels { get; } =
    [
        (1, "Experimental", 14), (2, "Pilot", 29), (3, "Operational", 43), (4, "Scaled", 57),
        (5, "Optimized", 71), (6, "Strategic", 86), (7, "Market leading", 100),
    ];

    public static MaturityResult Assess(OrganisationFigures f)
    {
        var criteria = new List<MaturityCriterion>
        {
            new(1, "AI calls observed", f.BillingSpans > 0,
                $"{Plural(f.BillingSpans, "billing span")} in the window",
                "Send traces of your model calls to the OTLP endpoint (port 4318 or 4317) with an ingest key."),
            PricedCalls(f),
            AttributedCost(f),
            new(3, "Budgets defined", f.Budgets > 0,
                $"{Plural(f.Budgets, "budget")} defined",
                "Define a budget for the total or for each team (POST /api/v1/budgets)."),
            FeaturesWithRevenue(f),
            Routing(f),
            Savings(f),
            new(6, "Custom or fine-tuned models in use", f.CustomModelCalls > 0,
                $"{Count(f.CustomModelCalls)} billing spans on custom-priced or fine-tuned models",
                "Route suitable traffic to a fine-tuned or self-hosted model and give it a custom price (POST /api/v1/prices)."),
            new(6, "Quality checks in the traces", f.QualityCheckSpans > 0,
                $"{Count(f.QualityCheckSpans)} guardrail or evaluation spans",
                "Trace guardrails and evaluations as spans (OpenInference GUARDRAIL / EVALUATOR kinds) so cost cuts can be checked against quality."),
            Margins(f),
        };

        var level = 1;
        for (var candidate = 2; candidate <= 7; candidate++)
        {
            if (!criteria.Where(c => c.Level <= candidate).All(c => c.Met))
            {
                break;
            }

            level = candidate;
        }

        var (_, name, score) = Levels[level - 1];
        var next = criteria.OrderBy(c => c.Level).FirstOrDefault(c => !c.Met);
        return new MaturityResult(level, name, score, criteria, next is null ? null : new MaturityNextStep(next.Level, next.Name, next.Action));
    }

    /// <summary>
    /// 1 − actual cost / the cost had every request called frontier models: billing calls, plus
    /// the calls cached requests would have made (at the uncached requests' calls per request),
    /// each at the frontier cost per call (<see cref="TierCosts.PerCall"/>). Null without a
    /// frontier cost to compare against.
    /// </summary>
    public static decimal? SavingsAgainstFrontierOnly(OrganisationFigures f)
    {
        var frontierPerCall = TierCosts.PerCall(f.Cells, f.CatalogueTierPrices)[PriceTiers.Frontier];
        var uncached = f.Requests - f.CacheHitRequests;
        var callsPerRequest = uncached > 0 ? (decimal)f.BillingSpans / uncached : 0m;
        var frontierOnly = (f.BillingSpans + f.CacheHitRequests * callsPerRequest) * frontierPerCall;
        return frontierOnly > 0 ? 1m - f.CostUsd / frontierOnly : null;
    }

    private static MaturityCriterion PricedCalls(OrganisationFigures f)
    {
        var share = Share(f.PricedBillingSpans, f.BillingSpans);
        return new(2, "Cost tracked per request", f.BillingSpans > 0 && share >= PricedShareNeeded,
            $"{Count(f.PricedBillingSpans)} of {Count(f.BillingSpans)} billing spans priced ({Pct(share)})",
            "Add prices for the unpriced models (GET /api/v1/prices lists the catalogue; POST /api/v1/prices adds one) or send gen_ai.usage.cost.");
    }

    private static MaturityCriterion AttributedCost(OrganisationFigures f)
    {
        var share = f.CostUsd > 0 ? f.AttributedCostUsd / f.CostUsd : 0m;
        return new(3, "Cost attributed to team and feature", f.CostUsd > 0 && share >= AttributedShareNeeded,
            $"{Usd(f.AttributedCostUsd)} of {Usd(f.CostUsd)} carries a team and a feature ({Pct(share)})",
            "Set tollgate.team and tollgate.feature on the root span of every request.");
    }

    private static MaturityCriterion FeaturesWithRevenue(OrganisationFigures f)
    {
        var count = f.Features.Count(x => x.Feature is not null && x.RevenueUsd > 0);
        return new(4, "Revenue attached to features", count >= FeaturesWithRevenueNeeded,
            $"{Plural(count, "feature")} with revenue in the window",
            "Report revenue per feature (POST /api/v1/revenue) for at least two features.");
    }

    private static MaturityCriterion Routing(OrganisationFigures f)
    {
        var share = Share(f.RoutedRequests, f.Requests);
        return new(4, "Model routing in use", f.Requests > 0 && share >= RoutingCoverageNeeded,
            $"{Count(f.RoutedRequests)} of {Count(f.Requests)} requests routed ({Pct(share)})",
            "Put a model router in front of your calls and record its choice as tollgate.route.decision.");
    }

    private static MaturityCriterion Savings(OrganisationFigures f)
    {
        var savings = SavingsAgainstFrontierOnly(f);
        return new(5, "Routing and caching cut cost by 40% or more", savings >= SavingsNeeded,
            savings is { } s
                ? $"cost is {Usd(f.CostUsd)}, {Pct(s)} below the frontier-only estimate of {Usd(f.CostUsd / (1m - s))}"
                : "no frontier cost per call to compare against",
            "Send simple requests to small models and cache repeated answers; compare in POST /api/v1/scenarios.");
    }

    private static MaturityCriterion Margins(OrganisationFigures f)
    {
        var withRevenue = f.Features.Where(x => x.Feature is not null && x.RevenueUsd > 0).ToList();
        var healthy = withRevenue.Count(x => x.MarginUsd / x.RevenueUsd > MarginNeeded);
        return new(7, "Contribution margin above 50% on most features", withRevenue.Count > 0 && healthy * 2 > withRevenue.Count,
            $"{Count(healthy)} of {Count(withRevenue.Count)} features with revenue have a margin above 50%",
            "Reprice or re-route the features whose AI cost takes more than half their revenue (GET /api/v1/features/pnl).");
    }

    private static decimal Share(long part, long whole) => whole > 0 ? (decimal)part / whole : 0m;

    private static string Plural(long value, string noun) => $"{Count(value)} {noun}{(value == 1 ? "" : "s")}";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(decimal fraction) => (fraction * 100m).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Usd(decimal value) => "$" + value.ToString("#,0.00##", CultureInfo.InvariantCulture);
}
