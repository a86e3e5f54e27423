using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Spans;
using Tollgate.Dashboard.Web.Components.Pages.Traces;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>A trace id is the sender's: another project using the same one never adds to a project's trace.</summary>
public sealed class TraceIsolationTests
{
    private const int Trace = 4242;

    [Fact]
    public async Task The_trace_API_shows_one_projects_spans_and_asks_which_when_two_used_the_id()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await PageData.SeedTwoProjectsSharingATraceAsync(app, Trace);
        using var client = app.CreateClient(withAdminKey: true);
        var id = Convert.ToHexStringLower(TestSpans.TraceId(Trace));

        var ambiguous = await client.GetAsync(new Uri($"/api/v1/traces/{id}", UriKind.Relative));
        var ours = await client.GetFromJsonAsync<JsonElement>($"/api/v1/traces/{id}?project=default");
        var theirs = await client.GetFromJsonAsync<JsonElement>($"/api/v1/traces/{id}?project=research");

        ambiguous.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ambiguous.Content.ReadAsStringAsync()).ShouldContain("Projects default, research each sent spans");
        ours.GetProperty("project").GetString().ShouldBe("default");
        ours.GetProperty("costUsd").GetDecimal().ShouldBe(1.00m);
        ours.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("team").GetString()).ShouldAllBe(t => t == "search");
        theirs.GetProperty("costUsd").GetDecimal().ShouldBe(2.50m);
        theirs.GetProperty("spans").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task The_trace_view_model_and_the_trace_list_keep_the_two_projects_traces_apart()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var (ours, theirs) = await PageData.SeedTwoProjectsSharingATraceAsync(app, Trace);
        var id = Convert.ToHexStringLower(TestSpans.TraceId(Trace));
        await using var scope = app.App.Services.CreateAsyncScope();

        var model = scope.ServiceProvider.GetRequiredService<TraceDetailViewModel>();
        await model.LoadAsync(id, ours);
        var list = await scope.ServiceProvider.GetRequiredService<SpanQuery>().SearchTracesAsync(
            new TraceFilter { FromUtc = DateTime.UtcNow.AddHours(-1), ToUtc = DateTime.UtcNow }, 0, 50);

        model.Project!.Name.ShouldBe("default");
        model.CostUsd.ShouldBe(1.00m);
        model.Rows.Select(r => r.Span.ProjectId).ShouldAllBe(p => p == ours);
        model.Rows.ShouldNotContain(r => r.Span.Team == "intruder");
        list.Traces.Select(t => (t.ProjectId, t.CostUsd, t.Spans)).OrderBy(t => t.ProjectId).ShouldBe([(ours, 1.00m, 2), (theirs, 2.50m, 1)]);
        // The page's chooser (without a project) is tested in TraceDetailPageTests.
    }
}
