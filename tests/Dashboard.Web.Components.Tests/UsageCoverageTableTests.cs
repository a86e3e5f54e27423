using Bunit;
using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Components.Pages.Connect;

namespace Tollgate.Dashboard.Web.Components.Tests;

/// <summary>The Connect page's table of what each service's instrumentation sends.</summary>
public sealed class UsageCoverageTableTests : BunitContext
{
    private static readonly DateTime Seen = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Each_service_shows_its_counts_and_what_its_gaps_mean()
    {
        var streaming = new ServiceCoverage("chat-api", Calls: 40, WithoutUsage: 12, WithCacheTokens: 0, WithReasoningTokens: 0, WithProvidedCost: 0,
            Streamed: 12, StreamedWithoutUsage: 12, Seen);
        var complete = new ServiceCoverage("search", Calls: 5, WithoutUsage: 0, WithCacheTokens: 5, WithReasoningTokens: 5, WithProvidedCost: 0,
            Streamed: 0, StreamedWithoutUsage: 0, Seen);

        var table = Render<UsageCoverageTable>(p => p.Add(t => t.Services, [streaming, complete]));

        var row = table.Find("tr[data-service='chat-api']");
        row.QuerySelector("[data-field=calls]")!.TextContent.ShouldBe("40");
        row.QuerySelector("[data-field=without-usage]")!.TextContent.ShouldBe("12");
        row.QuerySelector("[data-field=streamed]")!.TextContent.ShouldBe("12 (12)");
        var findings = table.FindAll("tr[data-findings='chat-api'] li").Select(li => li.TextContent).ToList();
        findings.Count.ShouldBe(3);
        findings[0].ShouldStartWith("12 of 40 model calls arrived without token usage (12 of them streamed) and count as free");
        findings[1].ShouldContain("the cost shown is an upper bound");
        findings[2].ShouldContain("priced as output");
        // A service that sends every field has nothing to be told.
        table.FindAll("tr[data-findings='search']").ShouldBeEmpty();
    }

    [Fact]
    public void A_hostile_service_name_renders_as_text()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var service = new ServiceCoverage(hostile, 1, 0, 1, 1, 0, 0, 0, Seen);

        var table = Render<UsageCoverageTable>(p => p.Add(t => t.Services, [service]));

        table.FindAll("img").ShouldBeEmpty();
        table.Find("tbody td").TextContent.ShouldBe(hostile);
    }

    [Fact]
    public void Without_calls_it_says_so()
    {
        var table = Render<UsageCoverageTable>(p => p.Add(t => t.Services, []));

        table.Find("[data-testid=coverage-empty]").TextContent.ShouldContain("No model calls");
    }
}
