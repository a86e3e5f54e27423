using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Dashboard.Web.Components.Pages.Traces;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>One trace over a circuit: its waterfall and spans, names and attributes as text, one project's spans only.</summary>
public sealed class TraceDetailPageTests : PageTestContext
{
    private const int Trace = 4343;

    [Fact]
    public async Task The_waterfall_marks_the_billing_call_and_the_error_and_shows_names_and_attributes_as_text()
    {
        var app = await StartAsync();
        var project = await PageData.DefaultProjectIdAsync(app);
        var start = DateTime.UtcNow.AddMinutes(-10);
        var tool = TestSpans.Span(project, Trace, 3, 1, "gateway", start.AddMilliseconds(300));
        tool.Name = Hostile;
        tool.StatusCode = 2;
        tool.StatusMessage = "<b>timeout</b>";
        tool.AttributesJson = """{"tool.input":"<img src=x onerror=alert(1)>"}""";
        await app.App.Services.GetRequiredService<SpanWriter>().WriteAsync([.. PageData.Request(project, Trace, start, "search", "answer", "gpt-4o", 0.75m), tool]);
        var id = Convert.ToHexStringLower(TestSpans.TraceId(Trace));

        var page = await RenderTraceAsync(app, id, project);

        page.FindAll(".waterfall .row-span").Count.ShouldBe(3);
        page.FindAll("[data-testid=billing-badge]").Count.ShouldBe(1);
        page.Find("[data-testid=trace-cost]").TextContent.ShouldBe("$0.75");
        var error = page.Find(".waterfall .row-span.error");
        error.TextContent.ShouldContain(Hostile);
        page.FindAll("script, img, b").ShouldBeEmpty();
        var row = page.Find($"#span-{Convert.ToHexStringLower(tool.SpanId)}");
        row.TextContent.ShouldContain("<b>timeout</b>");
        row.QuerySelector(".span-attributes pre")!.TextContent.ShouldContain("<img src=x onerror=alert(1)>");
        // Waterfall links keep the project, so following one never asks which project again.
        error.QuerySelector("a")!.GetAttribute("href").ShouldBe($"traces/{id}?project={project}#span-{Convert.ToHexStringLower(tool.SpanId)}");
    }

    [Fact]
    public async Task Two_projects_that_used_one_trace_id_are_offered_apart_and_never_merged()
    {
        var app = await StartAsync();
        var (ours, theirs) = await PageData.SeedTwoProjectsSharingATraceAsync(app, Trace);
        var id = Convert.ToHexStringLower(TestSpans.TraceId(Trace));

        var chooser = await RenderTraceAsync(app, id, projectId: null);

        chooser.Find("[data-testid=trace-projects]").ShouldNotBeNull();
        chooser.FindAll("ul a").Select(a => a.GetAttribute("href")).ShouldBe([$"/traces/{id}?project={ours}", $"/traces/{id}?project={theirs}"]);
        chooser.FindAll(".waterfall").ShouldBeEmpty();
    }

    private Task<IRenderedComponent<TraceDetail>> RenderTraceAsync(RunningApp app, string id, int? projectId) =>
        RenderPageAsync<TraceDetail, TraceDetailViewModel>(app, $"/traces/{id}" + (projectId is { } p ? $"?project={p}" : ""), Roles.Viewer,
            "[data-testid=trace-detail][data-interactive=true]:not(:has(.mud-progress-linear))", p => p.Add(t => t.TraceId, id));
}
