using Tollgate.Analytics.Anomalies;

namespace Tollgate.Analytics.Tests.Anomalies;

public class ContributorExplainerTests
{
    [Fact]
    public void Keys_that_moved_with_the_total_are_ranked_by_their_share_of_its_excess()
    {
        // The total is 150 against 100 expected: an excess of 50.
        var parts = new[]
        {
            new ContributorInput("team", "search", 90, 50),  // +40 -> 40 / 50 = 0.8
            new ContributorInput("team", "billing", 40, 25), // +15 -> 15 / 50 = 0.3
            new ContributorInput("team", "support", 20, 25), // -5: moved against the total, left out
            new ContributorInput("model", "gpt-x", 120, 70), // +50 -> 1.0
            new ContributorInput("model", "small", 30, 30),  // 0: explains nothing, left out
        };

        var contributors = ContributorExplainer.Explain(150, 100, parts);

        contributors.Select(c => (c.Dimension, c.Key)).ShouldBe([("model", "gpt-x"), ("team", "search"), ("team", "billing")]);
        contributors.Select(c => c.Share).ShouldBe([1.0, 0.8, 0.3], 1e-12);
        contributors.Select(c => c.Excess).ShouldBe([50.0, 40.0, 15.0], 1e-12);
    }

    [Fact]
    public void A_drop_is_explained_by_the_keys_that_dropped()
    {
        // Total 60 against 100: an excess of -40. "a" fell by 30 (share 0.75), "b" by 10 (0.25).
        var parts = new[]
        {
            new ContributorInput("feature", "a", 20, 50),
            new ContributorInput("feature", "b", 30, 40),
            new ContributorInput("feature", "c", 10, 5),
        };

        var contributors = ContributorExplainer.Explain(60, 100, parts);

        contributors.Select(c => (c.Key, c.Share)).ShouldBe([("a", 0.75), ("b", 0.25)]);
    }

    [Fact]
    public void Each_dimension_keeps_at_most_five_keys()
    {
        var parts = Enumerable.Range(1, 8).Select(i => new ContributorInput("customer", $"c{i}", 10 + i, 10));

        var contributors = ContributorExplainer.Explain(200, 100, parts);

        contributors.Select(c => c.Key).ShouldBe(["c8", "c7", "c6", "c5", "c4"]);
    }
}
