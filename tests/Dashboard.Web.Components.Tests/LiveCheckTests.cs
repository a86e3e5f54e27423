using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Components.Display;
using Tollgate.Dashboard.Web.Components.Pages.Connect;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The Connect page's live check: the newest spans as Tollgate recognised them.</summary>
public sealed class LiveCheckTests : BunitContext
{
    public LiveCheckTests()
    {
        Services.AddMudServices();
        Services.AddSingleton(new ViewerClock("UTC"));
    }

    [Fact]
    public void Markup_in_span_attributes_and_the_project_is_shown_as_text_never_run()
    {
        const string Script = "<script>alert('x')</script>";
        const string Image = "<img src=x onerror=alert(1)>";
        const string Svg = "\"><svg onload=alert(1)>";
        var span = SpanRecognition.Describe(Span(model: Image, team: "<b>red</b>", name: Script));

        var check = Render<LiveCheck>(p => p.Add(c => c.Spans, [span]).Add(c => c.Project, Svg));

        check.FindAll("script, img, svg, b").ShouldBeEmpty();
        check.Find("tbody tr").TextContent.ShouldContain(Script);
        check.Find("[data-field=model]").TextContent.ShouldBe(Image);
        check.Find("[data-field=team]").TextContent.ShouldBe("<b>red</b>");
    }

    [Fact]
    public void Without_spans_it_names_the_project_as_text_and_says_how_soon_spans_show()
    {
        const string Svg = "\"><svg onload=alert(1)>";

        var check = Render<LiveCheck>(p => p.Add(c => c.Spans, []).Add(c => c.Project, Svg));

        check.FindAll("svg, table").ShouldBeEmpty();
        var empty = check.Find("[data-testid=live-empty]");
        empty.QuerySelector("strong")!.TextContent.ShouldBe(Svg);
        empty.TextContent.ShouldContain($"in the last {(int)LiveCheckViewModel.Window.TotalMinutes} minutes");
    }

    private static SpanRecord Span(string model, string team, string name) => new()
    {
        TraceId = new byte[16],
        SpanId = new byte[8],
        Name = name,
        Model = model,
        InputTokens = 5,
        ComputedCostUsd = 0.01m,
        CostSource = "computed",
        Team = team,
        Feature = "f",
        StartTime = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc),
    };
}
