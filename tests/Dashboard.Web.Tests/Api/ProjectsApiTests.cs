using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class ProjectsApiTests
{
    [Fact]
    public async Task A_project_created_with_content_capture_reads_back_with_it()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        var created = await admin.PutAsJsonAsync("/api/v1/projects/research", new { contentCapture = true });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var projects = await admin.GetFromJsonAsync<JsonElement>("/api/v1/projects");
        var research = projects.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "research");
        research.GetProperty("contentCapture").GetBoolean().ShouldBeTrue();
        research.GetProperty("id").GetInt32().ShouldBePositive();
        research.GetProperty("createdAt").GetDateTime().ShouldBeGreaterThan(DateTime.UtcNow.AddMinutes(-5));
        projects.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "default").GetProperty("contentCapture").GetBoolean().ShouldBeFalse();

        var updated = await admin.PutAsJsonAsync("/api/v1/projects/research", new { contentCapture = false });

        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contentCapture").GetBoolean().ShouldBeFalse();
        (await app.Database.ScalarAsync<bool>("SELECT content_capture FROM projects WHERE name = 'research'")).ShouldBeFalse();
    }

    [Fact]
    public async Task Turning_content_capture_on_keeps_prompts_of_the_next_span_at_once()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var (before, beforeJson) = Otlp.OneChatSpan(("gen_ai.prompt", "secret plans"));
        (await Otlp.PostTracesAsync(app, RunningApp.IngestKey, beforeJson)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.PutAsJsonAsync("/api/v1/projects/default", new { contentCapture = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (after, afterJson) = Otlp.OneChatSpan(("gen_ai.prompt", "secret plans"));
        (await Otlp.PostTracesAsync(app, RunningApp.IngestKey, afterJson)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PromptAsync(app, before)).ShouldBe("(dropped)");
        (await PromptAsync(app, after)).ShouldBe("secret plans");
    }

    [Fact]
    public async Task Invalid_project_requests_are_refused_with_a_field_error()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PutAsJsonAsync("/api/v1/projects/research", new { }), "contentCapture");
        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PutAsJsonAsync($"/api/v1/projects/{new string('p', 101)}", new { contentCapture = true }), "name");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM projects")).ShouldBe(1);
    }

    [Fact]
    public async Task Project_changes_are_audited_with_before_and_after()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        await admin.PutAsJsonAsync("/api/v1/projects/default", new { contentCapture = true });
        await admin.PutAsJsonAsync("/api/v1/projects/default", new { contentCapture = true });

        (await app.Database.ScalarAsync<string>("""
            SELECT string_agg(actor || ' ' || action || ' ' || (before->>'contentCapture') || '->' || (after->>'contentCapture'), ';' ORDER BY id)
            FROM audit_log WHERE subject LIKE 'projects/%'
            """)).ShouldBe("api-key:bootstrap projects.update false->true");
    }

    // Null when the span is not stored at all.
    private static Task<string?> PromptAsync(RunningApp app, string traceId) =>
        app.Database.ScalarAsync<string>($"SELECT coalesce(attributes::jsonb->>'gen_ai.prompt', '(dropped)') FROM spans WHERE trace_id = '\\x{traceId}'::bytea");
}
