using Tollgate.Analytics.Spans;

namespace Tollgate.Dashboard.Web.Components.Pages.Connect;

/// <summary>A note on what was not recognised in a span and how to fix it; Link points where to fix it.</summary>
public sealed record RecognitionNote(string Text, string? Link = null);

/// <summary>One received span as the live check shows it.</summary>
public sealed record RecognisedSpan(
    DateTime StartTime,
    string Name,
    string? Service,
    string? Model,
    string? Provider,
    long? InputTokens,
    long? OutputTokens,
    decimal? CostUsd,
    string? CostSource,
    string? Team,
    string? Feature,
    IReadOnlyList<RecognitionNote> Notes);

/// <summary>
/// Explains what Tollgate made of a span: model, tokens, cost and attribution, or why something is
/// missing, in words that say what to change in the exporter's set-up.
/// </summary>
public static class SpanRecognition
{
    public const string NotAModelCall = "not a model call";
    public const string Unpriced = "unpriced: add a price";
    public const string NoTeam = "no tollgate.team: set it in OTEL_RESOURCE_ATTRIBUTES";
    public const string NoFeature = "no tollgate.feature: set it in OTEL_RESOURCE_ATTRIBUTES";
    public const string NoUsage = "no token counts: set gen_ai.usage.input_tokens and gen_ai.usage.output_tokens";

    public static RecognisedSpan Describe(SpanRecord span)
    {
        ArgumentNullException.ThrowIfNull(span);
        var notes = new List<RecognitionNote>();
        if (span.Model is null)
        {
            notes.Add(new(NotAModelCall));
        }
        else if (!span.HasUsage)
        {
            notes.Add(new(NoUsage));
        }
        else if (span.CostSource is null)
        {
            notes.Add(new(Unpriced, PriceLink(span.Provider, span.Model)));
        }

        if (span.Team is null)
        {
            notes.Add(new(NoTeam));
        }

        if (span.Feature is null)
        {
            notes.Add(new(NoFeature));
        }

        return new RecognisedSpan(
            span.StartTime, span.Name, span.Service, span.Model, span.Provider, span.InputTokens, span.OutputTokens,
            span.ProvidedCostUsd ?? span.ComputedCostUsd, span.CostSource, span.Team, span.Feature, notes);
    }

    /// <summary>The price form, filled in with the model (and provider when known).</summary>
    public static string PriceLink(string? provider, string model) =>
        "/admin/prices?model=" + Uri.EscapeDataString(model) + (provider is null ? "" : "&provider=" + Uri.EscapeDataString(provider)) + "#add-price";
}
