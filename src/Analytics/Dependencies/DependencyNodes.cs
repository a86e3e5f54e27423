namespace Tollgate.Analytics.Dependencies;

/// <summary>The kinds of node on the dependency map (CONTRACT: service, agent, tool, model, datastore).</summary>
public static class NodeKinds
{
    public const string Service = "service";
    public const string Agent = "agent";
    public const string Tool = "tool";
    public const string Model = "model";
    public const string Datastore = "datastore";
}

/// <summary>
/// Which node of the dependency map a span stands for: the most specific of model (a billing
/// span with a model: "provider/model"), tool, data store, agent; else its service. A data
/// store is a span with <c>db.system.name</c> or <c>db.system</c> among its attributes (keyed
/// by that value: postgresql, redis, pinecone), or a retrieval span (OpenInference
/// <c>RETRIEVER</c>, <c>retrieval</c>, <c>vector_store</c> operations) without one, keyed
/// "vector-store". Node ids are "kind:key", labels the key.
/// </summary>
public static class DependencyNodes
{
    public const string UnknownService = "unknown";
    public const string VectorStore = "vector-store";

    private static readonly HashSet<string> RetrievalOperations = new(StringComparer.OrdinalIgnoreCase)
    {
        "RETRIEVER", "retrieval", "retrieve", "vector_store", "vectorstore",
    };

    public static string Id(string kind, string key) => kind + ":" + key;

    public static string Kind(string id) => id[..id.IndexOf(':', StringComparison.Ordinal)];

    public static string Label(string id) => id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public static string Of(string? service, string? agent, string? tool, bool billing, string? provider, string? model, string? dbSystem, string? operation)
    {
        if (billing && !string.IsNullOrEmpty(model))
        {
            return Id(NodeKinds.Model, string.IsNullOrEmpty(provider) ? model : provider + "/" + model);
        }

        if (!string.IsNullOrEmpty(tool))
        {
            return Id(NodeKinds.Tool, tool);
        }

        if (!string.IsNullOrEmpty(dbSystem))
        {
            return Id(NodeKinds.Datastore, dbSystem);
        }

        if (operation is not null && RetrievalOperations.Contains(operation))
        {
            return Id(NodeKinds.Datastore, VectorStore);
        }

        return !string.IsNullOrEmpty(agent) ? Id(NodeKinds.Agent, agent) : Id(NodeKinds.Service, string.IsNullOrEmpty(service) ? UnknownService : service);
    }
}
