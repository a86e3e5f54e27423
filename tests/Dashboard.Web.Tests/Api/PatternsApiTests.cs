using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Pricing;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class PatternsApiTests
{
    [Fact]
    public async Task A_model_pattern_prices_a_model_name_the_catalogue_does_not_know()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var prices = app.App.Services.GetRequiredService<CurrentPrices>();
        prices.Catalogue.Find(null, "my-gpt4o-prod", DateTime.UtcNow).ShouldBeNull();

        var created = await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "my-gpt4o-*", targetModel = "gpt-4o", targetProvider = "openai" });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var match = prices.Catalogue.Find(null, "my-gpt4o-prod", DateTime.UtcNow).ShouldNotBeNull();
        match.Kind.ShouldBe(MatchKind.Pattern);
        match.CanonicalModel.ShouldBe("gpt-4o");
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/prices/patterns")).EnumerateArray().ShouldHaveSingleItem();
        listed.GetProperty("pattern").GetString().ShouldBe("my-gpt4o-*");
        listed.GetProperty("targetModel").GetString().ShouldBe("gpt-4o");
        listed.GetProperty("targetProvider").GetString().ShouldBe("openai");
        listed.GetProperty("provider").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_span_with_a_patterned_model_name_gets_the_target_models_cost()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        (await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "corp-llm-*", provider = "openai", targetModel = "gpt-4o-mini" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var (traceId, json) = Otlp.OneChatSpan(
            ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "corp-llm-eu"), ("gen_ai.usage.input_tokens", 1_000_000), ("gen_ai.usage.output_tokens", 0));
        (await Otlp.PostTracesAsync(app, RunningApp.IngestKey, json)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var expected = app.App.Services.GetRequiredService<CurrentPrices>().Catalogue.Find("openai", "gpt-4o-mini", DateTime.UtcNow)!.Value.Price.InputPerMTok;
        var span = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/traces/{traceId}")).GetProperty("spans").EnumerateArray().ShouldHaveSingleItem();
        span.GetProperty("model").GetString().ShouldBe("corp-llm-eu");
        span.GetProperty("computedCostUsd").GetDecimal().ShouldBe(expected);
        expected.ShouldBeGreaterThan(0m);
    }

    [Fact]
    public async Task A_deleted_pattern_no_longer_prices_new_spans_and_its_deletion_is_audited()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var created = await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "corp-llm-*", provider = "openai", targetModel = "gpt-4o-mini" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var viewerKey = (await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "reader", role = "viewer" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("key").GetString();
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);

        (await viewer.DeleteAsync($"/api/v1/prices/patterns/{id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var deleted = await admin.DeleteAsync($"/api/v1/prices/patterns/{id}");

        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await deleted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pattern").GetString().ShouldBe("corp-llm-*");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/prices/patterns")).GetArrayLength().ShouldBe(0);
        (await admin.DeleteAsync($"/api/v1/prices/patterns/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        app.App.Services.GetRequiredService<CurrentPrices>().Catalogue.Find("openai", "corp-llm-eu", DateTime.UtcNow).ShouldBeNull();
        var audit = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=model_patterns.delete")).EnumerateArray().ShouldHaveSingleItem();
        audit.GetProperty("subject").GetString().ShouldBe($"model_patterns/{id}");
        audit.GetProperty("before").GetProperty("pattern").GetString().ShouldBe("corp-llm-*");
    }

    [Fact]
    public async Task Invalid_patterns_are_refused_with_a_field_error()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "**", targetModel = "gpt-4o" }), "pattern");
        await KeysApiTests.ShouldBeFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "corp-*" }), "targetModel");
        await KeysApiTests.ShouldBeFieldErrorAsync(
            await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "corp-*", targetModel = "no-such-model" }), "targetModel");
        (await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "corp-*", targetModel = "gpt-4o" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var duplicate = await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "CORP-*", targetModel = "gpt-4o-mini" });

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("already exists");
    }

    [Fact]
    public async Task Adding_a_pattern_is_audited_with_the_actor()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);

        await admin.PostAsJsonAsync("/api/v1/prices/patterns", new { pattern = "my-gpt4o-*", targetModel = "gpt-4o" });

        (await app.Database.ScalarAsync<string>("SELECT actor || ' ' || action || ' ' || (after->>'pattern') FROM audit_log WHERE subject LIKE 'model_patterns/%'"))
            .ShouldBe("api-key:bootstrap model_patterns.add my-gpt4o-*");
    }
}
