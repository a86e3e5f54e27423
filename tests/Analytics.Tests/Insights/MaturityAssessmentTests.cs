using Tollgate.Analytics.Insights;
using Tollgate.Analytics.Maturity;
using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Tests.Insights;

public sealed class MaturityAssessmentTests
{
    private static readonly QueryWindow Window = new(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));

    // Meets every criterion: 100 requests (90 routed, 20 from cache), 80 billing calls all priced,
    // frontier 10 calls $2 (0.2 per call) and small 70 calls $0.7; all cost attributed; a budget;
    // three features with revenue, each with a margin above 50%; custom models and guardrails.
    private static readonly OrganisationFigures Leading = new()
    {
        Window = Window,
        Requests = 100,
        RoutedRequests = 90,
        CacheHitRequests = 20,
        BillingSpans = 80,
        PricedBillingSpans = 80,
        CostUsd = 2.7m,
        AttributedCostUsd = 2.7m,
        RevenueUsd = 21m,
        Budgets = 1,
        CustomModelCalls = 5,
        QualityCheckSpans = 3,
        Features = [new("answers", 50, 10, 1m, 10m), new("drafts", 30, 5, 1.7m, 10m), new("triage", 20, 5, 0m, 1m)],
        Cells = [new("answers", "openai/gpt-4o", "frontier", 10, 2m), new("drafts", "openai/gpt-4o-mini", "small", 70, 0.7m)],
    };

    [Fact]
    public void An_organisation_meeting_every_criterion_is_market_leading_with_no_next_step()
    {
        var result = MaturityAssessment.Assess(Leading);

        (result.Level, result.Name, result.Score).ShouldBe((7, "Market leading", 100));
        result.Criteria.ShouldAllBe(c => c.Met);
        result.NextStep.ShouldBeNull();
        // Frontier-only: (80 calls + 20 cached requests · 80/80 calls each) · 0.2 = 20; saved 1 − 2.7/20 = 86.5%.
        result.Criteria.Single(c => c.Level == 5).Evidence.ShouldBe("cost is $2.70, 86.5% below the frontier-only estimate of $20.00");
        result.Criteria.Single(c => c.Level == 7).Evidence.ShouldBe("3 of 3 features with revenue have a margin above 50%");
    }

    [Fact]
    public void The_level_stops_below_the_first_unmet_criterion_and_the_next_step_names_it()
    {
        var figures = Leading with
        {
            BillingSpans = 41,
            PricedBillingSpans = 38,
            Features = [new("answers", 50, 10, 1m, 10m), new("drafts", 30, 5, 1.7m, 0m)],
        };

        var result = MaturityAssessment.Assess(figures);

        // Only one feature has revenue: level 4 (Scaled) is not reached.
        (result.Level, result.Name, result.Score).ShouldBe((3, "Operational", 43));
        result.Criteria.Single(c => c.Name == "Cost tracked per request").Evidence.ShouldBe("38 of 41 billing spans priced (92.7%)");
        result.Criteria.Single(c => c.Name == "Revenue attached to features").Evidence.ShouldBe("1 feature with revenue in the window");
        result.NextStep!.Criterion.ShouldBe("Revenue attached to features");
        result.NextStep.Level.ShouldBe(4);
    }

    [Fact]
    public void A_higher_criterion_met_does_not_lift_the_level_over_an_unmet_lower_one()
    {
        var result = MaturityAssessment.Assess(Leading with { Budgets = 0 });

        (result.Level, result.Score).ShouldBe((2, 29));
        result.Criteria.Where(c => c.Level >= 4).ShouldAllBe(c => c.Met);
        result.NextStep!.Criterion.ShouldBe("Budgets defined");
    }

    [Fact]
    public void With_no_data_the_floor_is_experimental_and_the_next_step_is_to_send_traces()
    {
        var result = MaturityAssessment.Assess(new OrganisationFigures { Window = Window });

        (result.Level, result.Name, result.Score).ShouldBe((1, "Experimental", 14));
        result.NextStep!.Criterion.ShouldBe("AI calls observed");
        result.Criteria.Single(c => c.Name == "Cost tracked per request").Evidence.ShouldBe("0 of 0 billing spans priced (0%)");
    }
}
