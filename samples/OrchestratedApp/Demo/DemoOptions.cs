namespace Tollgate.OrchestratedApp.Demo;

/// <summary>What the simulated system looks like. Rates are shares of all requests (0..1).</summary>
public sealed record DemoOptions
{
    public int Days { get; init; } = 7;
    public int RequestsPerDay { get; init; } = 400;
    public int Seed { get; init; } = 42;
    public bool Live { get; init; }
    public double CacheRate { get; init; } = 0.20;
    public double RetryRate { get; init; } = 0.05;
    public double FallbackRate { get; init; } = 0.03;

    /// <summary>Router mix over requests that reach the router (not served from cache).</summary>
    public double SmallShare { get; init; } = 0.70;
    public double MidShare { get; init; } = 0.20;
    public double FrontierShare { get; init; } = 0.10;

    /// <summary>The day the backfill ends (exclusive, UTC); null means today.</summary>
    public DateTime? EndDayUtc { get; init; }

    /// <summary>Returns what is wrong, or null when the options can run.</summary>
    public string? Validate()
    {
        if (Days < 0 || RequestsPerDay < 0)
        {
            return "--days and --requests-per-day must be zero or more.";
        }

        foreach (var (name, rate) in new[] { ("--cache-rate", CacheRate), ("--retry-rate", RetryRate), ("--fallback-rate", FallbackRate) })
        {
            if (rate is < 0 or > 1)
            {
                return $"{name} must be between 0 and 1.";
            }
        }

        if (CacheRate + RetryRate + FallbackRate > 1)
        {
            return "--cache-rate, --retry-rate and --fallback-rate are shares of requests and must add up to 1 or less.";
        }

        return Math.Abs(SmallShare + MidShare + FrontierShare - 1) > 1e-9 ? "The tier shares must add up to 1." : null;
    }
}
