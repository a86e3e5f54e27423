using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Dashboard.Web.Components.Display;
using Tollgate.Dashboard.Web.Components.Pages.Connect;

namespace Tollgate.Dashboard.Web.Tests.Components;

/// <summary>Components rendered to HTML with the framework's HtmlRenderer and read back with AngleSharp.</summary>
public sealed class RenderingTests
{
    [Fact]
    public async Task Markup_in_span_attributes_is_shown_as_text_never_run()
    {
        const string Hostile = "<script>alert('x')</script>";
        var span = SpanRecognition.Describe(SpanRecognitionTests.Span(model: "<img src=x onerror=alert(1)>", input: 5, cost: 0.01m, team: "<b>red</b>", feature: "f", name: Hostile));

        var html = await RenderAsync<LiveCheck>(new() { ["Spans"] = new[] { span }, ["Project"] = "\"><svg onload=alert(1)>" }, Services());
        var document = new HtmlParser().ParseDocument(html);

        document.QuerySelectorAll("script, img, svg, b").Length.ShouldBe(0);
        var row = document.QuerySelector("tbody tr")!;
        row.TextContent.ShouldContain(Hostile);
        document.QuerySelector("[data-field=model]")!.TextContent.ShouldBe("<img src=x onerror=alert(1)>");
        document.QuerySelector("[data-field=team]")!.TextContent.ShouldBe("<b>red</b>");
    }

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new ViewerClock("UTC"));
        return services;
    }

    private static async Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters, ServiceCollection services)
        where TComponent : IComponent
    {
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }
}
