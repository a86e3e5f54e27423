namespace Tollgate.Nab;

/// <summary>One NAB data file with its labelled anomaly windows, as the scorer needs it.</summary>
public sealed record NabFile(string Name, DateTime[] Timestamps, double[] Values, IReadOnlyList<NabWindow> Windows);

/// <summary>An anomaly window in point indices, both ends included.</summary>
public readonly record struct NabWindow(int Start, int End)
{
    public int Width => End - Start + 1;
}
