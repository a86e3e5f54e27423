namespace Tollgate.Analytics.Tests.Anomalies;

/// <summary>
/// The noise draws a requirement of the detector is checked on: one draw can pass or fail by luck,
/// so each such test runs on the same five seeds as the benchmark's product requirements.
/// </summary>
public static class NoiseDraws
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5];
}
