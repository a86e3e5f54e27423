using System.Globalization;

namespace Tollgate.OrchestratedApp.Demo;

/// <summary>What a run generated, to compare with what it was configured to generate.</summary>
public sealed class DemoResult
{
    public long Requests { get; private set; }
    public long Spans { get; set; }
    public long CacheHits { get; private set; }
    public long Retries { get; private set; }
    public long Fallbacks { get; private set; }
    public Dictionary<Tier, long> Tiers { get; } = new() { [Tier.Small] = 0, [Tier.Mid] = 0, [Tier.Frontier] = 0 };
    public long Routed => Tiers.Values.Sum();

    public void Record(RequestPlan plan)
    {
        Requests++;
        switch (plan.Outcome)
        {
            case Outcome.CacheHit:
                CacheHits++;
                return;
            case Outcome.Retried:
                Retries++;
                break;
            case Outcome.FellBack:
                Fallbacks++;
                break;
        }

        Tiers[plan.Model.Tier]++;
    }

    public double TierShare(Tier tier) => Routed == 0 ? 0 : (double)Tiers[tier] / Routed;

    public string Summary(DemoOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"requests={Requests} spans={Spans} " +
        $"tiers small/mid/frontier configured={options.SmallShare:P0}/{options.MidShare:P0}/{options.FrontierShare:P0} " +
        $"generated={TierShare(Tier.Small):P1}/{TierShare(Tier.Mid):P1}/{TierShare(Tier.Frontier):P1} " +
        $"cache-hit configured={options.CacheRate:P1} generated={Rate(CacheHits):P1} " +
        $"fallback configured={options.FallbackRate:P1} generated={Rate(Fallbacks):P1} " +
        $"retry configured={options.RetryRate:P1} generated={Rate(Retries):P1}");

    private double Rate(long count) => Requests == 0 ? 0 : (double)count / Requests;
}
