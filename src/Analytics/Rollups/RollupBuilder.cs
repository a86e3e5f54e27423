using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Spans;
using Tollgate.Analytics.Time;
using Tollgate.Analytics.Metrics;

namespace Tollgate.Analytics.Rollups;

/// <summary>
/// Turns the spans around a range of hours into the hourly rollup rows of that range. Pure, so
/// recomputing the same spans always yields the same rows. Only billing spans count towards cost
/// and usage. A request is a trace, counted once in the hour its earliest span started; the
/// caller passes spans from <see cref="MaxTraceDuration"/> before and after the range so that a
/// trace crossing an hour boundary is seen whole.
/// </summary>
public static class RollupBuilder
{
    /// <summary>
    /// Requests are assumed to last less than this. A longer trace is still counted, but its
    /// spans beyond this distance from the range are not part of its request figures.
    /// </summary>
    public static readonly TimeSpan MaxTraceDuration = TimeSpan.FromHours(1);

    public static RollupRows Build(IEnumerable<RollupSpan> spans, DateTime fromUtc, DateTime toUtc)
    {
        var rows = new RollupRows([], [], [], []);
        foreach (var trace in spans.GroupBy(s => (s.ProjectId, new TraceKey(s.TraceId))))
        {
            AddTrace([.. trace], fromUtc, toUtc, rows);
        }

        return rows;
    }


    private static void AddTrace(List<RollupSpan> trace, DateTime fromUtc, DateTime toUtc, RollupRows rows)
    {
        var signals = Orchestration(trace);
        // What routing saved is counted over the calls of routed requests: a request the router
        // never saw saved nothing by routing.
        var routed = trace.Any(s => s.Routed);
        foreach (var span in trace)
        {
            if (!span.Billing || span.StartTime < fromUtc || span.StartTime >= toUtc)
            {
                continue;
            }

            var hour = UtcHour.Floor(span.StartTime);
            signals.TryGetValue(span, out var signal);
            Measures(rows.Spans, new SpanRowKey(hour, span.ProjectId, span.Team, span.Feature, span.Customer, span.Model, span.Provider, span.Service, span.Tier))
                .Add(span, signal.Fallback, signal.Retry);
            Measures(rows.Features, new FeatureRowKey(hour, span.ProjectId, span.Team, span.Feature, span.Model, span.Provider, span.Tier, routed))
                .Add(span, signal.Fallback, signal.Retry);
            foreach (var (dimension, value) in SpanDimensions(span))
            {
                var key = Key(rows.Keys, new KeyRowKey(hour, span.ProjectId, dimension, value));
                key.Calls.Add(span, signal.Fallback, signal.Retry);
                if (dimension == RollupDimensions.Model)
                {
                    LatencyHistogram.Add(key.LatencyHistogram ??= new long[LatencyHistogram.BucketCount], span.DurationMs);
                }
            }

            if (signal.Chain is { } chain)
            {
                Key(rows.Keys, new KeyRowKey(hour, span.ProjectId, chain.Kind, chain.Path)).Calls.Calls++;
            }
        }

        var start = trace.Min(s => s.StartTime);
        if (start < fromUtc || start >= toUtc)
        {
            return;
        }

        AddRequest(trace, signals, UtcHour.Floor(start), start, rows);
    }

    /// <summary>
    /// The tier the router chose for a request: the tier of the earliest span carrying the routing
    /// decision (its tollgate.route.tier, or the tier of the model it called), else that of the
    /// earliest billing call under a decision span; null for a request that was not routed or whose
    /// choice names no tier. Calls the router did not choose (guardrails, quality checks beside the
    /// routed call) do not change it.
    /// </summary>
    internal static string? RoutedTier(List<RollupSpan> trace)
    {
        var decisions = trace.Where(s => s.Routed).OrderBy(s => s.StartTime).ToList();
        if (decisions.Count == 0)
        {
            return null;
        }

        if (decisions.FirstOrDefault(s => s.Tier is not null) is { } labelled)
        {
            return labelled.Tier;
        }

        var routed = decisions.Select(s => new SpanKey(s.SpanId)).ToHashSet();
        var parents = new Dictionary<SpanKey, byte[]?>(trace.Count);
        foreach (var span in trace)
        {
            parents.TryAdd(new SpanKey(span.SpanId), span.ParentSpanId);
        }

        foreach (var call in trace.Where(s => s.Billing && s.Tier is not null).OrderBy(s => s.StartTime))
        {
            // Bounded walk up: a malformed trace may contain a parent cycle.
            var parent = call.ParentSpanId;
            for (var depth = 0; parent is not null && depth < trace.Count; depth++)
            {
                var key = new SpanKey(parent);
                if (routed.Contains(key))
                {
                    return call.Tier;
                }

                parent = parents.GetValueOrDefault(key);
            }
        }

        return null;
    }

    private static void AddRequest(List<RollupSpan> trace, Dictionary<RollupSpan, Signal> signals, DateTime hour, DateTime start, RollupRows rows)
    {
        // The trace's attribution is its root's (which the writer resolved to the value set nearest the root).
        var ordered = trace.OrderBy(s => s.IsRoot ? 0 : 1).ThenBy(s => s.StartTime).ThenBy(s => Convert.ToHexString(s.SpanId)).ToList();
        var head = ordered[0];
        var user = ordered.Select(s => s.UserId).FirstOrDefault(u => u is not null);
        var billing = trace.Where(s => s.Billing).ToList();
        var cost = billing.Sum(s => s.CostUsd ?? 0m);
        var cacheHit = trace.Any(s => s.CacheHit);
        var duration = Math.Max(0, (trace.Max(s => s.EndTime) - start).Ticks / TimeSpan.TicksPerMillisecond);

        var request = Measures(rows.Traces, new TraceRowKey(hour, head.ProjectId, head.Team, head.Feature));
        request.Requests++;
        request.RoutedRequests += trace.Any(s => s.Routed) ? 1 : 0;
        request.CacheHitRequests += cacheHit ? 1 : 0;
        request.FallbackRequests += signals.Values.Any(s => s.Fallback) ? 1 : 0;
        request.RetryRequests += signals.Values.Any(s => s.Retry) ? 1 : 0;
        request.ErrorRequests += head.IsError ? 1 : 0;
        request.CostUsd += cost;
        request.CacheHitCostUsd += cacheHit ? cost : 0m;
        request.DurationMsSum += duration;
        request.QualityCheckSpans += trace.Count(s => s.QualityCheck);
        switch (RoutedTier(trace))
        {
            case PriceTiers.Small:
                request.RoutedSmall++;
                break;
            case PriceTiers.Mid:
                request.RoutedMid++;
                break;
            case PriceTiers.Frontier:
                request.RoutedFrontier++;
                break;
        }

        var project = head.ProjectId;
        Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.Team, head.Team)).Requests++;
        var feature = Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.Feature, head.Feature));
        feature.Requests++;
        LatencyHistogram.Add(feature.LatencyHistogram ??= new long[LatencyHistogram.BucketCount], duration);
        Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.Customer, head.Customer)).Requests++;
        Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.User, user)).Requests++;
        foreach (var model in billing.Select(s => s.Model).Distinct())
        {
            Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.Model, model)).Requests++;
        }

        foreach (var provider in billing.Select(s => s.Provider).Distinct())
        {
            Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.Provider, provider)).Requests++;
        }

        foreach (var service in billing.Select(s => s.Service).Distinct())
        {
            Key(rows.Keys, new KeyRowKey(hour, project, RollupDimensions.Service, service)).Requests++;
        }
    }

    private static IEnumerable<(string Dimension, string? Value)> SpanDimensions(RollupSpan span)
    {
        yield return (RollupDimensions.Team, span.Team);
        yield return (RollupDimensions.Feature, span.Feature);
        yield return (RollupDimensions.Customer, span.Customer);
        yield return (RollupDimensions.Model, span.Model);
        yield return (RollupDimensions.Provider, span.Provider);
        yield return (RollupDimensions.Service, span.Service);
        yield return (RollupDimensions.User, span.UserId);
    }

    /// <summary>
    /// Fallbacks and retries: under one parent, a billing span that errored followed by a billing
    /// span on a different model (fallback) or the same model (retry); or the span says so itself.
    /// </summary>
    private static Dictionary<RollupSpan, Signal> Orchestration(List<RollupSpan> trace)
    {
        var signals = new Dictionary<RollupSpan, Signal>(ReferenceEqualityComparer.Instance);
        var siblings = trace.Where(s => s.Billing)
            .GroupBy(s => s.ParentSpanId is null ? (SpanKey?)null : new SpanKey(s.ParentSpanId));
        foreach (var group in siblings)
        {
            RollupSpan? previous = null;
            foreach (var span in group.OrderBy(s => s.StartTime).ThenBy(s => Convert.ToHexString(s.SpanId)))
            {
                var afterError = previous is { IsError: true };
                var sameModel = previous is not null && string.Equals(previous.Model, span.Model, StringComparison.Ordinal);
                var fallback = span.Fallback || (afterError && !sameModel);
                var retry = !fallback && (span.RetryAttempt >= 1 || (afterError && sameModel));
                Chain? chain = null;
                if ((fallback || retry) && previous is not null)
                {
                    chain = new Chain(fallback ? RollupDimensions.FallbackChain : RollupDimensions.RetryChain,
                        $"{previous.Model ?? "unknown"}{RollupDimensions.ChainArrow}{span.Model ?? "unknown"}");
                }

                if (fallback || retry)
                {
                    signals[span] = new Signal(fallback, retry, chain);
                }

                previous = span;
            }
        }

        return signals;
    }

    private static TValue Measures<TKey, TValue>(Dictionary<TKey, TValue> rows, TKey key)
        where TKey : notnull
        where TValue : new()
    {
        if (!rows.TryGetValue(key, out var value))
        {
            rows[key] = value = new TValue();
        }

        return value;
    }

    private static KeyMeasures Key(Dictionary<KeyRowKey, KeyMeasures> rows, KeyRowKey key) => Measures(rows, key);

    private readonly record struct Chain(string Kind, string Path);

    private readonly record struct Signal(bool Fallback, bool Retry, Chain? Chain);
}
