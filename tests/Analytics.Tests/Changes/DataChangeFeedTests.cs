using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Changes;

namespace Tollgate.Analytics.Tests.Changes;

public sealed class DataChangeFeedTests
{
    [Fact]
    public void A_subscriber_that_throws_does_not_keep_the_change_from_the_others()
    {
        var feed = new DataChangeFeed(NullLogger<DataChangeFeed>.Instance);
        var seen = new List<string>();
        feed.Changed += change => seen.Add("first " + change);
        feed.Changed += _ => throw new InvalidOperationException("a page that has gone");
        feed.Changed += change => seen.Add("third " + change);

        Should.NotThrow(() => feed.Raise(DataChange.Anomalies));

        seen.ShouldBe(["first Anomalies", "third Anomalies"]);
    }

    [Fact]
    public void Without_subscribers_a_change_goes_nowhere()
    {
        Should.NotThrow(() => new DataChangeFeed(NullLogger<DataChangeFeed>.Instance).Raise(DataChange.Rollups));
    }
}
