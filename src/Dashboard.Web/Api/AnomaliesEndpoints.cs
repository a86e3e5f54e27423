using Tollgate.Analytics.Anomalies;
using Tollgate.Analytics.Metrics;
using Tollgate.Analytics.Projects;

namespace Tollgate.Dashboard.Web.Api;

/// <summary>
/// One stored anomaly. <c>Kind</c> is "cost" (the series' cost left its forecast) or "mix" (the
/// key's share of the project's spend moved); <c>Detector</c> names the detector that flagged it
/// ("forecast", "level_shift", "pattern", "mix") and <c>Explanation</c> says why in words.
/// </summary>
public sealed record AnomalyRowDto(string Dimension, string Key, DateTime Timestamp, double ActualUsd, double ExpectedUsd, double LowerUsd, double UpperUsd,
    double Score, IReadOnlyList<Contributor>? Contributors, string Kind, string Detector, string? Explanation);

public sealed record AnomalyListDto(IReadOnlyList<AnomalyRowDto> Rows);

public sealed record DetectInput(List<DateTime>? Timestamps, List<double>? Values);

/// <summary>Per point: the score, the expected value and band, and the detector that gave the score.</summary>
public sealed record DetectOutput(double[] Scores, double[] Expected, double[] Lower, double[] Upper, string[] Detectors);

/// <summary>
/// Stored cost anomalies, and the detector itself for any series a caller sends (the same
/// detector that watches cost series, so it can be evaluated on anything).
/// </summary>
public static class AnomaliesEndpoints
{
    /// <summary>Points per detect request: the detector needs milliseconds for this many; more is a batch job.</summary>
    public const int MaxDetectPoints = 100_000;

    /// <summary>Widest range one anomaly list may cover.</summary>
    public static readonly TimeSpan MaxListRange = TimeSpan.FromDays(92);

    /// <summary>Range listed when the caller names none.</summary>
    public static readonly TimeSpan DefaultListRange = TimeSpan.FromDays(7);

    public static void MapAnomaliesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/anomalies", async Task<IResult> (DateTime? from, DateTime? to, string? project, AnomalyQuery query, ProjectStore projects, TimeProvider clock, CancellationToken ct) =>
        {
            if (QueryTimes.Problem(from, to) is { } outOfRange)
            {
                return Problem(400, "Invalid range", outOfRange);
            }

            var end = to?.ToUniversalTime() ?? clock.GetUtcNow().UtcDateTime;
            var start = from?.ToUniversalTime() ?? end - DefaultListRange;
            if (end <= start || end - start > MaxListRange)
            {
                return Problem(400, "Invalid range", $"'to' must be after 'from' and the range at most {MaxListRange.TotalDays:0} days.");
            }

            var (chosen, unknown) = await ProjectParameter.ResolveAsync(projects, project, ct);
            if (unknown is not null)
            {
                return unknown;
            }

            var rows = await query.ListAsync(chosen?.Id, start, end, ct);
            return TypedResults.Ok(new AnomalyListDto(rows
                .Select(a => new AnomalyRowDto(a.Dimension, a.Key, a.Hour, a.ActualUsd, a.ExpectedUsd, a.LowerUsd, a.UpperUsd, a.Score, a.Contributors,
                    a.Kind, a.Detector, a.Explanation))
                .ToList()));
        });

        api.MapPost("/anomalies/detect", IResult (DetectInput? input) =>
        {
            if (input?.Timestamps is null || input.Values is null)
            {
                return Problem(400, "Series required", "Send { \"timestamps\": [...], \"values\": [...] } with one timestamp per value.");
            }
            if (input.Timestamps.Count > MaxDetectPoints || input.Values.Count > MaxDetectPoints)
            {
                return Problem(413, "Series too long", $"At most {MaxDetectPoints} points per request: split the series.");
            }
            if (input.Timestamps.Count != input.Values.Count)
            {
                return Problem(400, "Lengths differ", $"{input.Timestamps.Count} timestamps but {input.Values.Count} values: send one timestamp per value.");
            }
            for (var i = 1; i < input.Timestamps.Count; i++)
            {
                if (input.Timestamps[i] < input.Timestamps[i - 1])
                {
                    return Problem(400, "Timestamps out of order", $"Timestamp {i} is earlier than timestamp {i - 1}: sort the series by time.");
                }
            }
            var times = input.Timestamps.Select(t => t.ToUniversalTime()).ToList();
            var scores = EnsembleAnomalyDetector.ScoreSeries(times, input.Values);
            return TypedResults.Ok(new DetectOutput(
                scores.Select(s => s.Score).ToArray(),
                scores.Select(s => s.Expected).ToArray(),
                scores.Select(s => s.Lower).ToArray(),
                scores.Select(s => s.Upper).ToArray(),
                scores.Select(s => s.Detector).ToArray()));
        });
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
