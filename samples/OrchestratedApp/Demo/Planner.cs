namespace Tollgate.OrchestratedApp.Demo;

/// <summary>Draws request plans from the seeded random source; the same seed gives the same requests.</summary>
public sealed class Planner
{
    private readonly Random _random;
    private readonly Deck<Outcome> _outcomes;
    private readonly Deck<Tier> _tiers;
    private readonly int _featureWeight = Catalog.Features.Sum(f => f.Weight);

    public Planner(Random random, DemoOptions options)
    {
        _random = random;
        _outcomes = new Deck<Outcome>(random,
        [
            (Outcome.CacheHit, options.CacheRate),
            (Outcome.Retried, options.RetryRate),
            (Outcome.FellBack, options.FallbackRate),
            (Outcome.Answered, 1 - options.CacheRate - options.RetryRate - options.FallbackRate),
        ]);
        _tiers = new Deck<Tier>(random, [(Tier.Small, options.SmallShare), (Tier.Mid, options.MidShare), (Tier.Frontier, options.FrontierShare)]);
    }

    public RequestPlan Next()
    {
        var pick = _random.Next(_featureWeight);
        var feature = Catalog.Features.First(f => (pick -= f.Weight) < 0);
        // A few large customers send most of the traffic, as in real B2B usage.
        var customer = Catalog.Customers[(int)(Catalog.Customers.Count * Math.Pow(_random.NextDouble(), 2))];
        var outcome = _outcomes.Draw();
        var model = Pick(Catalog.InTier(_tiers.Draw()).ToList());
        var fallback = outcome == Outcome.FellBack ? Pick(Catalog.Models.Where(m => m.Tier == model.Tier && m != model).ToList()) : null;
        return new RequestPlan(
            feature.Team,
            feature.Feature,
            feature.Agent,
            feature.Retrieves,
            customer,
            $"{customer}-user-{_random.Next(1, 40)}",
            outcome,
            model,
            fallback,
            _random.NextDouble() < 0.3);
    }

    private Model Pick(List<Model> models) => models[_random.Next(models.Count)];
}
