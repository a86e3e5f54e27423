namespace Tollgate.Nab.Tests;

public class CoordinateSearchTests
{
    // Two hourly files with a daily rhythm, noise, unlabelled bumps every few days (which the
    // hand-set start flags: a search has something to improve) and one labelled spike each.
    private static readonly NabFile[] _files = [Spiky("a.csv", seed: 1, spike: 420), Spiky("b.csv", seed: 2, spike: 510)];

    private static NabFile Spiky(string name, int seed, int spike)
    {
        var random = new Random(seed);
        var start = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);
        var values = Enumerable.Range(0, 600)
            .Select(h => 20 + (5 * Math.Sin(2 * Math.PI * h / 24)) + (2 * random.NextDouble()) + (h % 97 == 0 ? 6 : 0) + (h == spike ? 15 : 0))
            .ToArray();
        return new NabFile(name, values.Select((_, h) => start.AddHours(h)).ToArray(), values, [new NabWindow(spike - 5, spike + 5)]);
    }

    [Fact]
    public void A_search_moves_from_its_start_only_by_steps_that_gain_more_than_the_margin()
    {
        var withSmallMargin = CoordinateSearch.Run(_files, CoordinateSearch.HandSet, rounds: 1, quiet: true, margin: 0.05);
        var withHugeMargin = CoordinateSearch.Run(_files, CoordinateSearch.HandSet, rounds: 1, quiet: true, margin: 1_000);

        withSmallMargin.ShouldNotBe(CoordinateSearch.HandSet);
        CoordinateSearch.Evaluate(_files, withSmallMargin).ShouldBeGreaterThan(CoordinateSearch.Evaluate(_files, CoordinateSearch.HandSet));
        withHugeMargin.ShouldBe(CoordinateSearch.HandSet);
    }

    [Fact]
    public void Searching_from_two_starts_keeps_the_better_result_on_the_files_searched()
    {
        var fromHandSet = CoordinateSearch.Run(_files, new SearchOptions());
        var fromMiddle = CoordinateSearch.Run(_files, CoordinateSearch.AxisMiddle, rounds: 1, quiet: true);

        var fromBoth = CoordinateSearch.Run(_files, new SearchOptions(AxisMiddleStart: true));

        CoordinateSearch.Evaluate(_files, fromBoth).ShouldBe(Math.Max(CoordinateSearch.Evaluate(_files, fromHandSet), CoordinateSearch.Evaluate(_files, fromMiddle)));
    }
}
