using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Tollgate.Analytics.Anomalies;

/// <summary>
/// Finds mix anomalies: hours whose total may look normal while the composition of spend moved,
/// such as the frontier model's share jumping or one customer taking most of the cost. Each hour
/// of a project is a vector of cost shares (the largest keys of team, feature, model and customer,
/// the rest as one "other" key per breakdown). ML.NET's randomized PCA learns the usual
/// compositions from the history before the reported hours; an hour whose vector the principal
/// components cannot reconstruct is flagged, with the key whose share moved most (in its own
/// usual deviations) as the explanation; so is an hour that ends a few hours whose mean vector
/// is unusual (a modest shift that lasts). Within the reported hours a key is reported once per
/// run of flagged hours, so a lasting shift is one anomaly, not one an hour.
/// </summary>
public static class MixAnomalyFinder
{
    /// <summary>Keys per breakdown in the vector; the rest are one "other" share, so a long tail does not dilute the vector.</summary>
    public const int KeysPerDimension = 8;

    /// <summary>Hours of history with spend before a project's mix is judged: a week, as for cost anomalies.</summary>
    public const int MinTrainingHours = 168;

    /// <summary>
    /// Hours below this share of the usual (median) hourly total are not judged: the shares of a
    /// quiet night hour rest on a handful of requests and swing without meaning anything.
    /// </summary>
    public const double MinVolumeShare = 0.25;

    /// <summary>Principal compositions kept: a project's mix usually moves along a few axes (time of day, weekday).</summary>
    public const int Rank = 3;

    /// <summary>An hour is flagged when its error exceeds this many times the 99th percentile of the training hours' errors.</summary>
    public const double Width = 1.5;

    /// <summary>Shares are compared in units of their usual hourly deviation, floored at one percentage point so a constant share does not turn rounding into news.</summary>
    public const double MinShareDeviation = 0.01;

    /// <summary>Hours whose mean vector is also judged, so a modest lasting shift is found within a few hours.</summary>
    public const int SustainedHours = 3;

    public const string OtherKey = "(other)";

    public static IReadOnlyList<CostAnomaly> Find(IReadOnlyList<HourlyCost> costs, DateTime fromHour, DateTime untilHour, DateTime reportFromHour) =>
        Find(costs, fromHour, untilHour, reportFromHour, Width);

    internal static IReadOnlyList<CostAnomaly> Find(IReadOnlyList<HourlyCost> costs, DateTime fromHour, DateTime untilHour, DateTime reportFromHour, double width)
    {
        ArgumentNullException.ThrowIfNull(costs);
        var found = new List<CostAnomaly>();
        foreach (var project in costs.GroupBy(c => c.ProjectId))
        {
            found.AddRange(FindInProject(project.Key, project.ToList(), fromHour, untilHour, reportFromHour, width));
        }
        return found.OrderBy(a => a.Hour).ThenBy(a => a.ProjectId).ThenBy(a => a.Dimension, StringComparer.Ordinal).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<CostAnomaly> FindInProject(int projectId, List<HourlyCost> costs, DateTime fromHour, DateTime untilHour, DateTime reportFromHour, double width)
    {
        var hours = (int)(untilHour - fromHour).TotalHours;
        var reportFrom = Math.Clamp((int)(reportFromHour - fromHour).TotalHours, 0, hours);
        var features = Features(costs, fromHour, reportFrom);
        if (features.Count == 0)
        {
            yield break;
        }
        var index = features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i);
        var totals = new double[hours];
        var cost = new double[hours, features.Count];
        foreach (var c in costs)
        {
            var h = (int)(c.Hour - fromHour).TotalHours;
            if (h < 0 || h >= hours)
            {
                continue;
            }
            if (c.Dimension == AnomalyDimensions.Total)
            {
                totals[h] += c.CostUsd;
            }
            else if (index.TryGetValue((c.Dimension, c.Key), out var f) || index.TryGetValue((c.Dimension, OtherKey), out f))
            {
                cost[h, f] += c.CostUsd;
            }
        }
        var shares = new double[hours][];
        for (var h = 0; h < hours; h++)
        {
            if (totals[h] > 0)
            {
                shares[h] = Enumerable.Range(0, features.Count).Select(f => cost[h, f] / totals[h]).ToArray();
            }
        }

        var training = Enumerable.Range(0, reportFrom).Where(h => shares[h] is not null).ToList();
        if (training.Count < MinTrainingHours)
        {
            yield break;
        }
        var medianTotal = Median(training.Select(h => totals[h]));
        training = training.Where(h => totals[h] >= MinVolumeShare * medianTotal).ToList();
        var mean = Enumerable.Range(0, features.Count).Select(f => training.Average(h => shares[h][f])).ToArray();
        var deviation = Enumerable.Range(0, features.Count)
            .Select(f => Math.Max(Math.Sqrt(training.Average(h => Math.Pow(shares[h][f] - mean[f], 2))), MinShareDeviation))
            .ToArray();
        double[] Standardised(int h) => Enumerable.Range(0, features.Count).Select(f => (shares[h][f] - mean[f]) / deviation[f]).ToArray();

        var model = SharePca.Fit(training.Select(Standardised).ToList());
        var trainingErrors = training.Select(h => model.Error(Standardised(h))).Order().ToArray();
        // Floored at one usual deviation: a composition that never varied must still move by
        // a meaningful amount before it is news.
        var usualHigh = Math.Max(trainingErrors[(int)(0.99 * (trainingErrors.Length - 1))], 1.0);

        // The mean of the last few hours' vectors has less noise than one hour's: a modest shift
        // that lasts shows there before it would in any single hour. It is judged against the
        // same means over the training hours.
        var judged = new bool[hours];
        foreach (var h in training)
        {
            judged[h] = true;
        }
        double[]? Sustained(int h)
        {
            if (h < SustainedHours - 1 || Enumerable.Range(h - SustainedHours + 1, SustainedHours).Any(i => !judged[i]))
            {
                return null;
            }
            var sum = new double[features.Count];
            for (var i = h - SustainedHours + 1; i <= h; i++)
            {
                var z = Standardised(i);
                for (var f = 0; f < sum.Length; f++)
                {
                    sum[f] += z[f] / SustainedHours;
                }
            }
            return sum;
        }
        var sustainedErrors = training.Select(Sustained).OfType<double[]>().Select(model.Error).Order().ToArray();
        var usualHighSustained = sustainedErrors.Length == 0 ? double.PositiveInfinity
            : Math.Max(sustainedErrors[(int)(0.99 * (sustainedErrors.Length - 1))], 1.0 / Math.Sqrt(SustainedHours));
        for (var h = reportFrom; h < hours; h++)
        {
            judged[h] = shares[h] is not null && totals[h] >= MinVolumeShare * medianTotal;
        }

        var lastFlagged = new Dictionary<(string, string), int>();
        for (var h = reportFrom; h < hours; h++)
        {
            if (!judged[h])
            {
                continue;
            }
            var z = Standardised(h);
            var ratio = model.Error(z) / usualHigh;
            if (Sustained(h) is { } mean3 && model.Error(mean3) / usualHighSustained > ratio)
            {
                (z, ratio) = (mean3, model.Error(mean3) / usualHighSustained);
            }
            if (ratio <= width)
            {
                continue;
            }
            // The share that moved most, in its own deviations: the dimension and key to look at.
            var moved = Enumerable.Range(0, features.Count).MaxBy(f => Math.Abs(z[f]));
            var (dimension, key) = features[moved];
            var run = lastFlagged.TryGetValue((dimension, key), out var last) && last == h - 1;
            lastFlagged[(dimension, key)] = h;
            if (run)
            {
                continue;
            }
            var score = ratio * ratio / (ratio * ratio + width * width);
            var band = 3 * deviation[moved];
            var explanation = string.Create(CultureInfo.InvariantCulture,
                $"Mix shift: {dimension} '{key}' took {100 * shares[h][moved]:0}% of the hour's ${totals[h]:0.00} (usually {100 * mean[moved]:0}%, range {100 * Math.Max(mean[moved] - band, 0):0}% to {100 * Math.Min(mean[moved] + band, 1):0}%).");
            yield return new CostAnomaly(projectId, dimension, key, fromHour.AddHours(h),
                cost[h, moved], mean[moved] * totals[h], Math.Max(mean[moved] - band, 0) * totals[h], Math.Min(mean[moved] + band, 1) * totals[h], score,
                null, AnomalyKinds.Mix, AnomalyDetectors.Mix, explanation);
        }
    }

    /// <summary>The vector's coordinates: the costliest keys of each breakdown before the reported hours, then its "other".</summary>
    private static List<(string Dimension, string Key)> Features(List<HourlyCost> costs, DateTime fromHour, int reportFrom)
    {
        var features = new List<(string, string)>();
        foreach (var dimension in AnomalyDimensions.Breakdowns)
        {
            var keys = costs
                .Where(c => c.Dimension == dimension && (c.Hour - fromHour).TotalHours < reportFrom)
                .GroupBy(c => c.Key, StringComparer.Ordinal)
                .OrderByDescending(g => g.Sum(c => c.CostUsd)).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(KeysPerDimension)
                .Select(g => (dimension, g.Key))
                .ToList();
            // A breakdown with a single key always takes the whole spend: it has no mix.
            if (keys.Count < 2)
            {
                continue;
            }
            features.AddRange(keys);
            features.Add((dimension, OtherKey));
        }
        return features;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    /// <summary>
    /// Principal components of the standardised share vectors, fitted by ML.NET. A vector's error
    /// is its distance from the plane of the usual compositions, plus how far it runs along the
    /// plane beyond the farthest training hour: a share moving far along a usual axis (the daily
    /// swing, ten times over) is news too.
    /// </summary>
    private sealed class SharePca
    {
        private readonly float[] _mean;
        private readonly float[][] _components;
        private readonly double[] _limits;

        private SharePca(float[] mean, float[][] components, List<double[]> rows)
        {
            _mean = mean;
            _components = components;
            _limits = new double[components.Length];
            foreach (var row in rows)
            {
                var projections = Project(row, out _);
                for (var c = 0; c < components.Length; c++)
                {
                    _limits[c] = Math.Max(_limits[c], Math.Abs(projections[c]));
                }
            }
        }

        public static SharePca Fit(List<double[]> rows)
        {
            var dimensions = rows[0].Length;
            // A composition that never varied has no principal axes (the fit would return NaN):
            // its error is then the distance from the usual mix itself.
            if (rows.All(r => r.All(v => Math.Abs(v) < 1e-9)))
            {
                return new SharePca(new float[dimensions], [], rows);
            }
            var context = new MLContext(seed: 1);
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
            var data = context.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r.Select(v => (float)v).ToArray() }), schema);
            var model = context.AnomalyDetection.Trainers
                .RandomizedPca(nameof(Row.Features), rank: Math.Clamp(Rank, 1, dimensions), oversampling: 10, ensureZeroMean: true, seed: 1)
                .Fit(data).Model;
            VBuffer<float> center = default;
            model.GetMean(ref center);
            VBuffer<float>[] vectors = [];
            model.GetEigenVectors(ref vectors, out var fitted);
            return new SharePca(center.DenseValues().ToArray(), vectors.Take(fitted).Select(v => v.DenseValues().ToArray()).ToArray(), rows);
        }

        public double Error(double[] vector)
        {
            var projections = Project(vector, out var residual);
            var squares = residual;
            for (var c = 0; c < projections.Length; c++)
            {
                var beyond = Math.Max(Math.Abs(projections[c]) - _limits[c], 0);
                squares += beyond * beyond;
            }
            return Math.Sqrt(squares);
        }

        private double[] Project(double[] vector, out double residualSquares)
        {
            var centred = vector.Select((v, i) => v - _mean[i]).ToArray();
            residualSquares = centred.Sum(v => v * v);
            var projections = new double[_components.Length];
            for (var c = 0; c < _components.Length; c++)
            {
                for (var i = 0; i < centred.Length; i++)
                {
                    projections[c] += _components[c][i] * centred[i];
                }
                residualSquares -= projections[c] * projections[c];
            }
            residualSquares = Math.Max(residualSquares, 0);
            return projections;
        }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
