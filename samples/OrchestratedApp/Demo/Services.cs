using System.Diagnostics;
using OpenTelemetry.Trace;
using Tollgate.OrchestratedApp.Telemetry;

namespace Tollgate.OrchestratedApp.Demo;

/// <summary>The three services, each with its own source and tracer provider (its own resource).</summary>
public sealed class Services : IDisposable
{
    public const string SourcePrefix = "OrchestratedApp.";
    private readonly ActivitySource[] _sources;
    private readonly TracerProvider[] _providers;

    public Services(ProviderFactory factory)
    {
        string[] names = ["gateway", "agents", "retrieval"];
        _sources = names.Select(n => new ActivitySource(SourcePrefix + n)).ToArray();
        _providers = names.Select(n => factory(n, SourcePrefix + n)).ToArray();
        Emitter = new SpanEmitter(_sources[0], _sources[1], _sources[2]);
    }

    public SpanEmitter Emitter { get; }

    /// <summary>Waits until every ended span has been exported; false when one provider timed out.</summary>
    public bool Flush(int timeoutMilliseconds = 60_000) =>
        _providers.Select(p => p.ForceFlush(timeoutMilliseconds)).ToList().TrueForAll(ok => ok);

    public void Dispose()
    {
        Flush();
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}
