using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace Tollgate.OrchestratedApp.Demo;

/// <summary>
/// Starts and ends spans at explicit times on the three services' sources and counts what it ends.
/// Trace context crosses services only through W3C <c>traceparent</c> headers, as over HTTP.
/// </summary>
public sealed class SpanEmitter(ActivitySource gateway, ActivitySource agents, ActivitySource retrieval)
{
    private static readonly TraceContextPropagator Propagator = new();

    public ActivitySource Gateway => gateway;
    public ActivitySource Agents => agents;
    public ActivitySource Retrieval => retrieval;

    /// <summary>Spans ended so far, i.e. handed to the exporters.</summary>
    public long Spans { get; private set; }

    public static Activity Start(ActivitySource source, string name, ActivityKind kind, ActivityContext parent, DateTimeOffset start)
    {
        if (parent == default)
        {
            // A root must not pick up whatever happens to be current on this thread.
            Activity.Current = null;
        }

        return source.StartActivity(name, kind, parent, tags: null, links: null, startTime: start)
            ?? throw new InvalidOperationException($"No tracer provider listens to '{source.Name}'.");
    }

    public void End(Activity activity, DateTimeOffset end)
    {
        activity.SetEndTime(end.UtcDateTime);
        activity.Stop();
        Spans++;
    }

    /// <summary>The headers a caller sends: <c>traceparent</c> (and <c>tracestate</c> when set).</summary>
    public static Dictionary<string, string> Inject(Activity caller)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Propagator.Inject(new PropagationContext(caller.Context, default), headers, static (h, key, value) => h[key] = value);
        return headers;
    }

    /// <summary>The parent a callee reads from the headers it received.</summary>
    public static ActivityContext Extract(Dictionary<string, string> headers) =>
        Propagator.Extract(default, headers, static (h, key) => h.TryGetValue(key, out var value) ? [value] : []).ActivityContext;
}
