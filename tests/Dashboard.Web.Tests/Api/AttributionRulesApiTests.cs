using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class AttributionRulesApiTests
{
    [Fact]
    public async Task A_rule_attributes_the_next_spans_by_the_teams_own_keys_and_the_contract_keys_still_win()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var (before, beforeJson) = Otlp.OneChatSpan(("app.squad", "payments"));
        (await Otlp.PostTracesAsync(app, RunningApp.IngestKey, beforeJson)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "app.squad", target = "team" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "billing.account", target = "customer" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var (mapped, mappedJson) = Otlp.OneChatSpan(("app.squad", "payments"), ("billing.account", "acme"));
        var (both, bothJson) = Otlp.OneChatSpan(("app.squad", "payments"), ("tollgate.team", "search"));
        (await Otlp.PostTracesAsync(app, RunningApp.IngestKey, mappedJson)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Otlp.PostTracesAsync(app, RunningApp.IngestKey, bothJson)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Rules apply from their creation on: the span received before keeps no team.
        (await AttributionAsync(app, before)).ShouldBe("-/-");
        (await AttributionAsync(app, mapped)).ShouldBe("payments/acme");
        (await AttributionAsync(app, both)).ShouldBe("search/-");
    }

    [Fact]
    public async Task Rules_are_listed_deleted_and_audited_and_bad_rules_are_refused()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        var created = await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "app.squad", target = "team" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "x", target = "region" }), "rule");
        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "has space", target = "team" }), "rule");
        (await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "app.squad", target = "feature" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/attribution-rules");
        listed.EnumerateArray().Select(r => $"{r.GetProperty("project").GetString()}:{r.GetProperty("attributeKey").GetString()}->{r.GetProperty("target").GetString()}")
            .ShouldBe(["default:app.squad->team"]);

        // Changed in place: same id and project; a bad rule is a 400 naming it, a key the project already maps a 409, an unknown id a 404.
        var other = (await (await admin.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "app.area", target = "feature" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var changed = await admin.PutAsJsonAsync($"/api/v1/attribution-rules/{id}", new { attributeKey = "app.squad_name", target = "team" });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        var rule = await changed.Content.ReadFromJsonAsync<JsonElement>();
        (rule.GetProperty("id").GetInt32(), rule.GetProperty("project").GetString(), rule.GetProperty("attributeKey").GetString()).ShouldBe((id, "default", "app.squad_name"));
        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PutAsJsonAsync($"/api/v1/attribution-rules/{id}", new { attributeKey = "app.squad_name", target = "region" }), "rule");
        (await admin.PutAsJsonAsync($"/api/v1/attribution-rules/{id}", new { attributeKey = "app.area", target = "team" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.PutAsJsonAsync("/api/v1/attribution-rules/999999", new { attributeKey = "app.other", target = "team" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.DeleteAsync($"/api/v1/attribution-rules/{other}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await admin.DeleteAsync($"/api/v1/attribution-rules/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync($"/api/v1/attribution-rules/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.Database.ScalarAsync<string>(
            "SELECT string_agg(action || ' ' || coalesce(after->>'attributeKey', before->>'attributeKey'), ';' ORDER BY id) FROM audit_log WHERE action LIKE 'attribution-rules.%'"))
            .ShouldBe("attribution-rules.add app.squad;attribution-rules.add app.area;attribution-rules.update app.squad_name;attribution-rules.delete app.area;attribution-rules.delete app.squad_name");
    }

    [Fact]
    public async Task Only_admins_change_rules()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var viewerKey = (await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "reader", role = "viewer" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("key").GetString();
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);

        (await viewer.PostAsJsonAsync("/api/v1/attribution-rules", new { attributeKey = "app.squad", target = "team" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync("/api/v1/attribution-rules")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM attribution_rules")).ShouldBe(0);
    }

    private static Task<string?> AttributionAsync(RunningApp app, string traceId) =>
        app.Database.ScalarAsync<string>($"SELECT coalesce(team, '-') || '/' || coalesce(customer, '-') FROM spans WHERE trace_id = '\\x{traceId}'::bytea");
}
