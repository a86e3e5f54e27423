namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// Turns hourly costs into cost anomalies: one ensemble detector per series (total and every key of every
/// breakdown), fed hour by hour with zeros for hours without spend, from the series' first spend
/// on. A series is reported only after its <see cref="Probation"/>. Total anomalies carry the
/// keys that explain them.
/// </summary>
public static class CostAnomalyFinder
{
    /// <summary>A point outside the detector's band (score 0.5, also the NAB-optimal threshold) is an anomaly.</summary>
    public const double FlagScore = 0.5;

    /// <summary>Series per breakdown and project, the costliest first: bounds the work of one scan.</summary>
    public const int MaxKeysPerDimension = 200;

    /// <summary>
    /// A series is scored from its first spend but reported only a week later. Before the detector
    /// has seen each hour of the week once it cannot tell a new team's first busy Monday, or the
    /// second burst of a series that spent once days ago, from an incident: every such hour would
    /// be flagged, and a week of false alarms is what makes people mute an alert.
    /// </summary>
    public static readonly TimeSpan Probation = TimeSpan.FromDays(7);

    public static IReadOnlyList<CostAnomaly> Find(IReadOnlyList<HourlyCost> costs, DateTime fromHour, DateTime untilHour, DateTime reportFromHour) =>
        Find(costs, fromHour, untilHour, reportFromHour, EnsembleSettings.Default);

    internal static IReadOnlyList<CostAnomaly> Find(IReadOnlyList<HourlyCost> costs, DateTime fromHour, DateTime untilHour, DateTime reportFromHour, EnsembleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(costs);
        var hours = (int)(untilHour - fromHour).TotalHours;
        var found = new List<CostAnomaly>();
        foreach (var project in costs.GroupBy(c => c.ProjectId))
        {
            var series = project
                .GroupBy(c => (c.Dimension, c.Key))
                .GroupBy(g => g.Key.Dimension)
                .SelectMany(d => d.OrderByDescending(g => g.Sum(c => c.CostUsd)).ThenBy(g => g.Key.Key, StringComparer.Ordinal).Take(MaxKeysPerDimension))
                .ToDictionary(g => g.Key, g => Score(g, fromHour, hours, settings));
            foreach (var ((dimension, key), (actual, scores, reportedFrom)) in series)
            {
                for (var h = reportedFrom; h < hours; h++)
                {
                    var hour = fromHour.AddHours(h);
                    if (hour < reportFromHour || scores[h] is not { } score || score.Score <= FlagScore)
                    {
                        continue;
                    }
                    var contributors = dimension == AnomalyDimensions.Total
                        ? ContributorExplainer.Explain(actual[h], score.Expected, series
                            .Where(s => s.Key.Dimension != AnomalyDimensions.Total)
                            .Select(s => new ContributorInput(s.Key.Dimension, s.Key.Key, s.Value.Actual[h], s.Value.Scores[h]?.Expected ?? 0)))
                        : null;
                    found.Add(new CostAnomaly(project.Key, dimension, key, hour, actual[h], score.Expected, score.Lower, score.Upper, score.Score, contributors,
                        AnomalyKinds.Cost, score.Detector, Explain(score, actual[h])));
                }
            }
        }
        return found.OrderBy(a => a.Hour).ThenBy(a => a.ProjectId).ThenBy(a => a.Dimension, StringComparer.Ordinal).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The flagged hour in words: which detector saw what.</summary>
    public static string Explain(AnomalyScore score, double actual)
    {
        var figures = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"${actual:0.00} against ${score.Expected:0.00} expected (usual range ${Math.Max(score.Lower, 0):0.00} to ${score.Upper:0.00})");
        return score.Detector switch
        {
            AnomalyDetectors.LevelShift => $"Level shift: cost has stayed on one side of the forecast for several hours; {figures}.",
            AnomalyDetectors.Pattern => $"Unusual pattern: the forecast alone found this hour nearly unusual, and the last hours' shape does not fit the shapes this series is made of (PCA model); {figures}.",
            _ => $"Outside the forecast band: {figures}.",
        };
    }

    private static (double[] Actual, AnomalyScore?[] Scores, int ReportedFrom) Score(IEnumerable<HourlyCost> points, DateTime fromHour, int hours, EnsembleSettings settings)
    {
        var actual = new double[hours];
        var first = hours;
        foreach (var point in points)
        {
            var h = (int)(point.Hour - fromHour).TotalHours;
            if (h >= 0 && h < hours)
            {
                actual[h] += point.CostUsd;
                first = Math.Min(first, h);
            }
        }
        var scores = new AnomalyScore?[hours];
        var detector = new EnsembleAnomalyDetector(settings);
        for (var h = first; h < hours; h++)
        {
            scores[h] = detector.Observe(fromHour.AddHours(h), actual[h]);
        }
        return (actual, scores, first + (int)Probation.TotalHours);
    }
}
