namespace Tollgate.Nab.Tests;

public class NabScorerTests
{
    // A 100-point file: probation is floor(0.15 * 100) = 15 points; one window over points 40..49.
    private static readonly NabFile _file = new(
        "tiny.csv",
        Enumerable.Range(0, 100).Select(i => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(5 * i)).ToArray(),
        new double[100],
        [new NabWindow(40, 49)]);

    // Scaled sigmoid at the window's start: 2 / (1 + e^-5) - 1 = 2 / 1.0067379 - 1 = 0.9866143.
    private const double AtWindowStart = 0.9866143;

    private static double[] Detections(params int[] points)
    {
        var scores = new double[100];
        foreach (var point in points)
        {
            scores[point] = 1;
        }
        return scores;
    }

    [Fact]
    public void Probation_is_fifteen_percent_of_the_file_capped_at_750_points()
    {
        NabScorer.ProbationPeriod(100).ShouldBe(15);
        NabScorer.ProbationPeriod(4032).ShouldBe(604); // floor(604.8)
        NabScorer.ProbationPeriod(22695).ShouldBe(750); // 0.15 * 5000
    }

    [Fact]
    public void A_detection_at_the_window_start_scores_close_to_the_true_positive_weight()
    {
        NabScorer.FileScore(_file, Detections(40), 0.5, NabProfile.Standard).ShouldBe(AtWindowStart, 1e-6);
    }

    [Fact]
    public void Only_the_earliest_detection_in_a_window_counts()
    {
        // Detections at 40 and 45: the one at 40 is worth more and the second adds nothing.
        NabScorer.FileScore(_file, Detections(40, 45), 0.5, NabProfile.Standard).ShouldBe(AtWindowStart, 1e-6);
    }

    [Fact]
    public void A_detection_at_the_window_end_scores_near_zero()
    {
        // Position -(49 - 49 + 1) / 10 = -0.1: 2 / (1 + e^-0.5) - 1 = 2 / 1.6065307 - 1 = 0.2449187.
        NabScorer.FileScore(_file, Detections(49), 0.5, NabProfile.Standard).ShouldBe(0.2449187, 1e-6);
    }

    [Fact]
    public void A_missed_window_costs_the_false_negative_weight()
    {
        NabScorer.FileScore(_file, Detections(), 0.5, NabProfile.Standard).ShouldBe(-1.0, 1e-9);
        NabScorer.FileScore(_file, Detections(), 0.5, NabProfile.RewardLowFalseNegatives).ShouldBe(-2.0, 1e-9);
    }

    [Fact]
    public void A_false_positive_long_after_the_window_costs_the_full_false_positive_weight()
    {
        // Point 80 is |49 - 80| / (10 - 1) = 3.44 widths past: more than 3, so -1 * 0.11; the window is missed (-1).
        NabScorer.FileScore(_file, Detections(80), 0.5, NabProfile.Standard).ShouldBe(-1.11, 1e-9);
        NabScorer.FileScore(_file, Detections(80), 0.5, NabProfile.RewardLowFalsePositives).ShouldBe(-1.22, 1e-9);
    }

    [Fact]
    public void A_false_positive_just_after_the_window_costs_less()
    {
        // Point 52 is 3 / 9 = 0.3333 widths past: 2 / (1 + e^1.6667) - 1 = 2 / 6.2945 - 1 = -0.682258,
        // times 0.11 = -0.0750484; with the window detected at its start: 0.9866143 - 0.0750484 = 0.9115659.
        NabScorer.FileScore(_file, Detections(40, 52), 0.5, NabProfile.Standard).ShouldBe(0.9115659, 1e-6);
    }

    [Fact]
    public void Detections_in_the_probationary_period_are_ignored()
    {
        // Point 10 is before point 15: not scored, so the result is that of detecting nothing.
        NabScorer.FileScore(_file, Detections(10), 0.5, NabProfile.Standard).ShouldBe(-1.0, 1e-9);
    }

    [Fact]
    public void The_threshold_is_the_one_that_maximises_the_total_and_the_total_is_normalised()
    {
        var scores = new double[100];
        scores[40] = 0.9;  // a true positive at the window start
        scores[80] = 0.95; // a false positive far after it
        var result = NabScorer.Score([_file], [scores], NabProfile.Standard);
        // Threshold 0.95: only the false positive, -1 - 0.11 = -1.11. Threshold 0.9: both,
        // 0.9866143 - 0.11 = 0.8766143. Lower thresholds add only zeros (more false positives).
        result.Threshold.ShouldBe(0.9);
        result.RawScore.ShouldBe(0.8766143, 1e-6);
        // Null -1, perfect 0.9866143: 100 * (0.8766143 + 1) / (0.9866143 + 1) = 94.4630.
        result.NormalisedScore.ShouldBe(94.4630, 1e-3);
    }

    [Fact]
    public void The_perfect_detector_scores_100_and_the_null_detector_0()
    {
        NabScorer.Score([_file], [Detections(40, 41, 42)], NabProfile.Standard).NormalisedScore.ShouldBe(100, 1e-9);
        NabScorer.Score([_file], [new double[100]], NabProfile.Standard).NormalisedScore.ShouldBe(0, 1e-9);
    }
}
