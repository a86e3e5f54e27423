namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>The normalised meanings an attribute can carry (the contract's attribute table).</summary>
internal enum Field
{
    Provider,
    Model,
    Operation,
    InputTokens,
    OutputTokens,
    CacheReadTokens,
    CacheWriteTokens,
    ReasoningTokens,
    ProvidedCost,
    CostCurrency,
    Team,
    Feature,
    Customer,
    User,
    Session,
    Agent,
    Tool,
    WorkflowName,
    RouteDecision,
    RouteTier,
    CacheHit,
    Fallback,
    ResendCount,
    RetryAttempt,
    ResponseId,
    ServiceName,
    ServiceNamespace,
}
