namespace Tollgate.OrchestratedApp.Demo;

public enum Outcome
{
    Answered,
    CacheHit,
    Retried,
    FellBack,
}

/// <summary>Everything random about one request, drawn before any span is emitted.</summary>
public sealed record RequestPlan(
    string Team,
    string Feature,
    string Agent,
    bool Retrieves,
    string Customer,
    string User,
    Outcome Outcome,
    Model Model,
    Model? FallbackModel,
    bool CallsSubAgent);
