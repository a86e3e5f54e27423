using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class KeysApiTests
{
    [Fact]
    public async Task A_created_ingest_key_sends_spans_at_once_and_is_refused_right_after_it_is_revoked()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        var created = await admin.PostAsJsonAsync("/api/v1/ingest-keys", new { project = "shop", name = "checkout-service", rateLimitPerSecond = 5000 });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        key.ShouldStartWith("tg_ingest_");
        body.GetProperty("project").GetString().ShouldBe("shop");
        body.GetProperty("rateLimitPerSecond").GetInt32().ShouldBe(5000);
        (await Otlp.PostTracesAsync(app, key, Otlp.EmptyBatch)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var id = body.GetProperty("id").GetInt32();
        (await admin.DeleteAsync(new Uri($"/api/v1/ingest-keys/{id}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await Otlp.PostTracesAsync(app, key, Otlp.EmptyBatch)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.DeleteAsync(new Uri($"/api/v1/ingest-keys/{id}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync(new Uri("/api/v1/ingest-keys/999999", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_new_key_is_shown_once_and_lists_show_only_its_prefix()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var created = await (await admin.PostAsJsonAsync("/api/v1/ingest-keys", new { name = "checkout-service" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;

        var listed = await admin.GetStringAsync(new Uri("/api/v1/ingest-keys", UriKind.Relative));

        listed.ShouldNotContain(key);
        listed.ShouldNotContain("hash", Case.Insensitive);
        var row = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "checkout-service");
        row.GetProperty("keyPrefix").GetString().ShouldBe(key[..12] + "…");
        row.GetProperty("project").GetString().ShouldBe("default");
        row.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        row.TryGetProperty("key", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_viewer_API_key_reads_but_cannot_change_anything()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "finance-report", role = "viewer" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        key.ShouldStartWith("tg_api_");
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        foreach (var path in new[] { "/api/v1/ingest-keys", "/api/v1/api-keys", "/api/v1/projects", "/api/v1/prices/patterns" })
        {
            (await viewer.GetAsync(new Uri(path, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }

        (await viewer.PostAsJsonAsync("/api/v1/ingest-keys", new { name = "sneaky" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync("/api/v1/api-keys", new { name = "sneaky", role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.DeleteAsync(new Uri("/api/v1/api-keys/1", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.PutAsJsonAsync("/api/v1/projects/default", new { contentCapture = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "x-*", targetModel = "gpt-4o" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM api_keys")).ShouldBe(2);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_are_refused()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var anonymous = app.CreateClient();
        using var wrong = app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tg_admin_not-a-key");

        foreach (var client in new[] { anonymous, wrong })
        {
            (await client.GetAsync(new Uri("/api/v1/ingest-keys", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM api_keys")).ShouldBe(1);
    }

    [Fact]
    public async Task A_revoked_API_key_is_refused_at_once()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var created = await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "deploy-bot", role = "admin" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        key.ShouldStartWith("tg_admin_");
        using var bot = app.CreateClient();
        bot.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await bot.GetAsync(new Uri("/api/v1/api-keys", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var id = created.GetProperty("id").GetInt32();
        (await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{id}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await bot.GetAsync(new Uri("/api/v1/api-keys", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/api-keys");
        var row = listed.EnumerateArray().Single(r => r.GetProperty("id").GetInt32() == id);
        row.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
        row.GetProperty("role").GetString().ShouldBe("admin");
    }

    [Fact]
    public async Task Invalid_key_requests_are_refused_with_a_field_error()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        await ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/ingest-keys", new { name = " " }), "name");
        await ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/ingest-keys", new { name = "a", rateLimitPerSecond = 0 }), "rateLimitPerSecond");
        await ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/ingest-keys", new { name = "a", project = new string('p', 101) }), "project");
        await ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "a", role = "owner" }), "role");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM ingest_keys")).ShouldBe(1);
    }

    [Fact]
    public async Task Every_key_change_is_audited_with_the_actor_and_without_the_key()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var ingest = await (await admin.PostAsJsonAsync("/api/v1/ingest-keys", new { project = "billing", name = "invoicer" })).Content.ReadFromJsonAsync<JsonElement>();
        var api = await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "cfo", role = "pm" })).Content.ReadFromJsonAsync<JsonElement>();
        await admin.DeleteAsync(new Uri($"/api/v1/ingest-keys/{ingest.GetProperty("id").GetInt32()}", UriKind.Relative));
        await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{api.GetProperty("id").GetInt32()}", UriKind.Relative));

        (await app.Database.ScalarAsync<string>("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE actor = 'api-key:bootstrap'"))
            .ShouldBe("projects.add,ingest_keys.add,api_keys.add,ingest_keys.revoke,api_keys.revoke");
        (await app.Database.ScalarAsync<string>("SELECT after->>'keyPrefix' FROM audit_log WHERE action = 'ingest_keys.add'"))
            .ShouldBe(ingest.GetProperty("keyPrefix").GetString());
        (await app.Database.ScalarAsync<string>("SELECT coalesce(before->>'revokedAt', 'none') || '/' || (after->>'revokedAt' IS NOT NULL) FROM audit_log WHERE action = 'api_keys.revoke'"))
            .ShouldBe("none/true");
        foreach (var key in new[] { ingest.GetProperty("key").GetString()!, api.GetProperty("key").GetString()! })
        {
            (await app.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM audit_log WHERE strpos(coalesce(before::text, '') || coalesce(after::text, ''), '{key[12..]}') > 0")).ShouldBe(0);
        }
    }

    internal static async Task ShouldBeFieldErrorAsync(HttpResponseMessage response, string field)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty(field)[0].GetString().ShouldNotBeNullOrWhiteSpace();
    }
}
