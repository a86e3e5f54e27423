using Google.Protobuf;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Otlp.Proto;
using Tollgate.Ingest.Api.Otlp.Wire;

namespace Tollgate.Ingest.Api.Normalisation;

/// <summary>
/// Turns an OTLP ExportTraceServiceRequest, read straight off its protobuf bytes, into
/// <see cref="SpanRecord"/>s: validates each span (a bad one is rejected with its reason, the
/// rest kept), reads every alias of the contract's attribute table (span before resource,
/// aliases in order), drops prompt content unless the project captures it, and keeps the
/// remaining attributes, bounded, as JSON.
/// </summary>
/// <remarks>
/// Reading the wire format directly, rather than building protobuf objects, avoids an object per
/// attribute key, value and wrapper: at tens of thousands of spans a second that garbage, not
/// the parsing, was the receiver's main cost (bench/ingest.sh). Each step is its own type:
/// <see cref="TraceWalker"/> reads the wire, <see cref="SpanValidator"/> rejects,
/// <see cref="AliasSlots"/> ranks aliases, <see cref="FieldValues"/> converts their values and
/// <see cref="AttributeJsonWriter"/> keeps the rest.
/// </remarks>
public sealed class SpanNormaliser(NormalisationLimits limits)
{
    /// <summary>Spans may start this far ahead of the server's clock (client clock skew).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    /// <summary>For requests that arrive as objects (OTLP/JSON, tests): normalised from their bytes.</summary>
    public List<SpanRecord> Normalise(ExportTraceServiceRequest request, IngestContext context, Rejections rejections) =>
        Normalise(request.ToByteArray(), context, rejections);

    /// <exception cref="WireFormatException">The bytes are not a valid ExportTraceServiceRequest.</exception>
    public List<SpanRecord> Normalise(ReadOnlyMemory<byte> request, IngestContext context, Rejections rejections)
    {
        var buffer = request.Span;
        using var state = new State(limits, context, rejections);
        var walker = new TraceWalker(buffer);
        while (walker.NextResource())
        {
            state.Slots.BeginResource();
            while (walker.NextResourceAttribute(out var key, out var value))
            {
                state.Slots.OfferResource(key, value);
            }

            while (walker.NextScope(out var scopeName))
            {
                var quirk = LibraryQuirks.For(scopeName);
                while (walker.NextSpan(state.Attributes, out var span))
                {
                    if (state.Validator.ReasonToReject(buffer, span) is { } reason)
                    {
                        rejections.Reject(reason);
                        continue;
                    }

                    state.Spans.Add(NormaliseSpan(buffer, span, quirk, state));
                }
            }
        }

        return state.Spans;
    }

    public static DateTime FromUnixNanos(ulong nanos) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Min(nanos / 100, (ulong)(DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks)));

    private SpanRecord NormaliseSpan(ReadOnlySpan<byte> buffer, in WireSpan span, LibraryQuirk? quirk, State state)
    {
        // Known keys go to their slots, the rest to the JSON.
        var slots = state.Slots;
        slots.BeginSpan();
        state.Json.Begin();
        foreach (var (kvStart, kvLength) in state.Attributes)
        {
            var (keyStart, keyLength, value) = WireValue.ReadKeyValue(buffer, kvStart, kvLength);
            var key = buffer.Slice(keyStart, keyLength);
            if (!slots.Offer(key, value))
            {
                state.Json.Add(buffer, key, value);
            }
        }

        var attributesJson = state.Json.End();
        var rejections = state.Rejections;
        var values = new FieldValues(buffer, slots, limits.MaxLabelLength, rejections);
        var parent = span.ParentBytes(buffer);
        var record = new SpanRecord
        {
            ProjectId = state.Context.ProjectId,
            TraceId = buffer.Slice(span.TraceId.Start, 16).ToArray(),
            SpanId = buffer.Slice(span.SpanId.Start, 8).ToArray(),
            ParentSpanId = parent,
            Name = StoredText.Decode(buffer.Slice(span.Name.Start, span.Name.Length), limits.MaxNameLength, rejections) ?? "",
            Kind = span.Kind,
            StartTime = FromUnixNanos(span.Start),
            EndTime = FromUnixNanos(span.End),
            StatusCode = span.StatusCode,
            StatusMessage = StoredText.Decode(buffer.Slice(span.StatusMessage.Start, span.StatusMessage.Length), limits.MaxValueLength, rejections),
            Service = values.Label(Field.ServiceName),
            Operation = values.Label(Field.Operation),
            Provider = values.Label(Field.Provider),
            Model = values.Label(Field.Model),
            InputTokens = values.Count(Field.InputTokens),
            OutputTokens = values.Count(Field.OutputTokens),
            CacheReadTokens = values.Count(Field.CacheReadTokens),
            CacheWriteTokens = values.Count(Field.CacheWriteTokens),
            ReasoningTokens = values.Count(Field.ReasoningTokens),
            ProvidedCostUsd = values.ProvidedCost(),
            UserId = values.Label(Field.User),
            SessionId = values.Label(Field.Session),
            Agent = values.Label(Field.Agent),
            Tool = values.Label(Field.Tool),
            RouteDecision = values.Label(Field.RouteDecision),
            RouteTier = values.Label(Field.RouteTier),
            ResponseId = values.Label(Field.ResponseId),
            CacheHit = values.Flag(Field.CacheHit),
            Fallback = values.Flag(Field.Fallback),
            RetryAttempt = (int)Math.Min(int.MaxValue, Math.Max(values.Count(Field.RetryAttempt) ?? 0, values.Count(Field.ResendCount) ?? 0)),
            AttributesJson = attributesJson,
        };
        record.IsInference = Operations.IsInference(record.Operation);
        if (quirk is not null && record.InputTokens is not null)
        {
            quirk.Correct(record);
        }

        // Attribution the span states itself (or its resource does). Inherited values are the
        // trace resolver's job, once the whole trace is known.
        var explicitBits = Attribution.None;
        if ((values.Label(Field.Team) ?? values.Label(Field.ServiceNamespace)) is { } team)
        {
            record.Team = team;
            explicitBits |= Attribution.Team;
        }

        var feature = values.Label(Field.Feature) ?? (parent is null ? values.Label(Field.WorkflowName) : null);
        if (feature is not null)
        {
            record.Feature = feature;
            explicitBits |= Attribution.Feature;
        }

        if (values.Label(Field.Customer) is { } customer)
        {
            record.Customer = customer;
            explicitBits |= Attribution.Customer;
        }

        record.AttributionExplicit = explicitBits;
        return record;
    }

    /// <summary>Per-request scratch space, reused for every span of the request.</summary>
    private sealed class State(NormalisationLimits limits, IngestContext context, Rejections rejections) : IDisposable
    {
        public IngestContext Context { get; } = context;
        public Rejections Rejections { get; } = rejections;
        public List<SpanRecord> Spans { get; } = [];
        public SpanValidator Validator { get; } = new(context);
        public AliasSlots Slots { get; } = new(context.Attribution);
        public List<(int Start, int Length)> Attributes { get; } = [];
        public AttributeJsonWriter Json { get; } = new(limits, context.CaptureContent, rejections);

        public void Dispose() => Json.Dispose();
    }
}
