using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Components.Pages.Connect;

namespace Tollgate.Dashboard.Web.Tests.Components;

public sealed class SpanRecognitionTests
{
    [Fact]
    public void A_priced_attributed_model_call_has_no_notes()
    {
        var described = SpanRecognition.Describe(Span(model: "gpt-4o", input: 10, cost: 0.25m, team: "search", feature: "answers"));

        described.Notes.ShouldBeEmpty();
        described.CostUsd.ShouldBe(0.25m);
        described.CostSource.ShouldBe("computed");
    }

    [Fact]
    public void A_span_without_a_model_is_not_a_model_call()
    {
        var described = SpanRecognition.Describe(Span(model: null, team: "search", feature: "answers"));

        described.Notes.Select(n => n.Text).ShouldBe([SpanRecognition.NotAModelCall]);
    }

    [Fact]
    public void A_model_without_a_price_says_to_add_one_and_links_to_the_filled_in_form()
    {
        var described = SpanRecognition.Describe(Span(model: "house model", provider: "acme", input: 10, team: "search", feature: "answers"));

        var note = described.Notes.ShouldHaveSingleItem();
        note.Text.ShouldBe("unpriced: add a price");
        note.Link.ShouldBe("/admin/prices?model=house%20model&provider=acme#add-price");
    }

    [Fact]
    public void Missing_attribution_says_which_variable_to_set()
    {
        var described = SpanRecognition.Describe(Span(model: "gpt-4o", input: 10, cost: 0.1m));

        described.Notes.Select(n => n.Text).ShouldBe(
            ["no tollgate.team: set it in OTEL_RESOURCE_ATTRIBUTES", "no tollgate.feature: set it in OTEL_RESOURCE_ATTRIBUTES"]);
    }

    internal static SpanRecord Span(string? model, string? provider = null, long? input = null, decimal? cost = null, string? team = null, string? feature = null, string name = "chat") => new()
    {
        TraceId = new byte[16],
        SpanId = new byte[8],
        Name = name,
        Model = model,
        Provider = provider,
        InputTokens = input,
        ComputedCostUsd = cost,
        CostSource = cost is null ? null : "computed",
        Team = team,
        Feature = feature,
        StartTime = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc),
    };
}
