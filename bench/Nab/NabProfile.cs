namespace Tollgate.Nab;

/// <summary>
/// A NAB application profile: the weights of a detected window (TP), a false positive and a
/// missed window (FN). The three profiles are the benchmark's published ones.
/// </summary>
public sealed record NabProfile(string Name, double TruePositive, double FalsePositive, double FalseNegative)
{
    public static readonly NabProfile Standard = new("standard", 1.0, 0.11, 1.0);
    public static readonly NabProfile RewardLowFalsePositives = new("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static readonly NabProfile RewardLowFalseNegatives = new("reward_low_FN_rate", 1.0, 0.11, 2.0);

    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}
