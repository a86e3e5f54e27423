using Tollgate.Analytics.Anomalies;

namespace Tollgate.Nab;

/// <summary>
/// Synthetic hourly cost of one project: a total with daily and weekly rhythm and noise, split
/// by team, feature, model and customer into shares that have their own daily drift and noise.
/// Optionally one key's share jumps by a known number of percentage points at a known hour and
/// stays there, the other keys of its breakdown giving way in proportion, the total unchanged.
/// </summary>
internal sealed class SyntheticCosts(int seed)
{
    private static readonly (string Dimension, int Keys)[] _breakdowns =
        [(AnomalyDimensions.Team, 3), (AnomalyDimensions.Feature, 4), (AnomalyDimensions.Model, 4), (AnomalyDimensions.Customer, 6)];

    private readonly Random _random = new(seed);

    public sealed record Shift(string Dimension, string Key, int Hour, double Points);

    public (List<HourlyCost> Costs, Shift? Shift) Project(int projectId, DateTime from, int hours, double shiftPoints, int shiftFrom, int shiftUntil)
    {
        var costs = new List<HourlyCost>(hours * 18);
        var level = 5 + 45 * _random.NextDouble();
        var splits = _breakdowns.Select(b => (b.Dimension, Base: Dirichlet(b.Keys), Swing: Enumerable.Range(0, b.Keys).Select(_ => 0.3 * _random.NextDouble()).ToArray(),
            Phase: Enumerable.Range(0, b.Keys).Select(_ => 2 * Math.PI * _random.NextDouble()).ToArray())).ToList();
        Shift? shift = null;
        if (shiftPoints > 0)
        {
            var split = splits[_random.Next(splits.Count)];
            // Not the largest key: a dominant key gaining share is the hardest case to miss, not a fair one.
            var candidates = Enumerable.Range(0, split.Base.Length).OrderBy(k => split.Base[k]).Take(split.Base.Length - 1).ToList();
            var key = candidates[_random.Next(candidates.Count)];
            shift = new Shift(split.Dimension, $"{split.Dimension}-{key}", shiftFrom + _random.Next(shiftUntil - shiftFrom), shiftPoints / 100);
        }
        for (var h = 0; h < hours; h++)
        {
            var hour = from.AddHours(h);
            var daily = 1 + 0.5 * Math.Sin(2 * Math.PI * hour.Hour / 24);
            var weekly = hour.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.6 : 1.0;
            var total = level * daily * weekly * Math.Exp(0.1 * Gaussian());
            costs.Add(new HourlyCost(projectId, AnomalyDimensions.Total, HourlyCostReader.TotalKey, hour, total));
            foreach (var (dimension, shares, swing, phase) in splits)
            {
                var raw = shares.Select((p, k) => p * (1 + swing[k] * Math.Sin(2 * Math.PI * hour.Hour / 24 + phase[k])) * Math.Exp(0.1 * Gaussian())).ToArray();
                var sum = raw.Sum();
                var share = raw.Select(r => r / sum).ToArray();
                if (shift is not null && shift.Dimension == dimension && h >= shift.Hour)
                {
                    var k = int.Parse(shift.Key[(dimension.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    var target = Math.Min(share[k] + shift.Points, 0.95);
                    var rest = (1 - target) / (1 - share[k]);
                    share = share.Select((s, i) => i == k ? target : s * rest).ToArray();
                }
                for (var k = 0; k < share.Length; k++)
                {
                    costs.Add(new HourlyCost(projectId, dimension, $"{dimension}-{k}", hour, total * share[k]));
                }
            }
        }
        return (costs, shift);
    }

    private double[] Dirichlet(int keys)
    {
        var raw = Enumerable.Range(0, keys).Select(_ => -Math.Log(1 - _random.NextDouble()) + 0.2).ToArray();
        var sum = raw.Sum();
        return raw.Select(r => r / sum).ToArray();
    }

    private double Gaussian() => StandardNormal(_random);

    /// <summary>One standard normal draw from two uniform ones (Box–Muller).</summary>
    internal static double StandardNormal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
