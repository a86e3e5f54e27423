using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Pricing;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class PricesAndTracesApiTests
{
    private static async Task<string> SendTraceAsync(RunningApp app, string model, int input, int output, DateTime start)
    {
        var trace = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        var nanos = (ulong)(start - DateTime.UnixEpoch).Ticks * 100;
        var json = $$$"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"{{{trace}}}","spanId":"00000000000000a1","name":"invoke_agent","startTimeUnixNano":"{{{nanos}}}","endTimeUnixNano":"{{{nanos + 5000}}}",
               "attributes":[{"key":"tollgate.team","value":{"stringValue":"<b>growth</b>"}}]},
              {"traceId":"{{{trace}}}","spanId":"00000000000000a2","parentSpanId":"00000000000000a1","name":"chat","startTimeUnixNano":"{{{nanos + 1}}}","endTimeUnixNano":"{{{nanos + 4000}}}",
               "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.provider.name","value":{"stringValue":"acme"}},
                 {"key":"gen_ai.request.model","value":{"stringValue":"{{{model}}}"}},
                 {"key":"gen_ai.usage.input_tokens","value":{"intValue":"{{{input}}}"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"{{{output}}}"}}]}]}]}]}
            """;
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("x-api-key", RunningApp.IngestKey);
        var response = await client.PostAsync(new Uri(app.OtlpHttpAddress, "v1/traces"), new StringContent(json, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return trace;
    }

    [Fact]
    public async Task A_trace_is_served_with_its_spans_costs_and_inherited_team()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        await client.PostAsJsonAsync("/api/v1/prices", new { provider = "acme", model = "acme-large", inputPerMTok = 2m, outputPerMTok = 10m, tier = "frontier", effectiveFrom = DateTime.UtcNow.AddDays(-1) });
        var trace = await SendTraceAsync(app, "acme-large", 1000, 100, DateTime.UtcNow.AddMinutes(-1));

        using var body = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/traces/{trace}", UriKind.Relative)));

        var root = body.RootElement;
        root.GetProperty("costUsd").GetDecimal().ShouldBe(0.003m);
        var spans = root.GetProperty("spans").EnumerateArray().ToList();
        spans.Count.ShouldBe(2);
        spans.ShouldAllBe(s => s.GetProperty("team").GetString() == "<b>growth</b>");
        var chat = spans.Single(s => s.GetProperty("name").GetString() == "chat");
        chat.GetProperty("billing").GetBoolean().ShouldBeTrue();
        chat.GetProperty("costSource").GetString().ShouldBe("computed");
        chat.GetProperty("parentSpanId").GetString().ShouldBe("00000000000000a1");
    }

    [Fact]
    public async Task An_unknown_or_malformed_trace_id_is_a_clear_problem()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        var missing = await client.GetAsync(new Uri($"/api/v1/traces/{new string('a', 32)}", UriKind.Relative));
        var malformed = await client.GetAsync(new Uri("/api/v1/traces/not-hex", UriKind.Relative));

        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_custom_price_reprices_the_spans_already_stored_from_its_date_on()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        var trace = await SendTraceAsync(app, "acme-mini", 1_000_000, 0, DateTime.UtcNow.AddHours(-2));
        var unpriced = await client.GetStringAsync(new Uri("/api/v1/prices/unpriced", UriKind.Relative));
        unpriced.ShouldContain("acme-mini");

        var added = await client.PostAsJsonAsync("/api/v1/prices", new { provider = "acme", model = "acme-mini", inputPerMTok = 0.5m, outputPerMTok = 1m, tier = "small", effectiveFrom = DateTime.UtcNow.AddDays(-1) });

        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var result = JsonDocument.Parse(await added.Content.ReadAsStringAsync());
        result.RootElement.GetProperty("spansChanged").GetInt64().ShouldBe(1);
        // The re-pricing job finished while the request waited; the run can be looked up afterwards.
        result.RootElement.GetProperty("repricingStatus").GetString().ShouldBe("done");
        var runId = result.RootElement.GetProperty("repricingRunId").GetInt32();
        var run = await client.GetFromJsonAsync<JsonElement>($"/api/v1/prices/repricing/{runId}");
        (run.GetProperty("status").GetString(), run.GetProperty("spansDone").GetInt64(), run.GetProperty("spansChanged").GetInt64()).ShouldBe(("done", 1L, 1L));
        (await client.GetAsync(new Uri($"/api/v1/prices/repricing/{runId + 1}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/prices/repricing"))[0].GetProperty("id").GetInt32().ShouldBe(runId);
        // Carried out by a Hangfire background job, which succeeded. Hangfire records that just after
        // the job's work returns, so the run can read "done" a moment before the job reads "Succeeded".
        var jobState = $"SELECT statename FROM hangfire.job WHERE invocationdata ->> 'Type' LIKE '%RepricingJob%' AND arguments ->> 0 = '{runId}'";
        await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<string>(jobState) is not ("Processing" or "Enqueued"),
            TimeSpan.FromMinutes(1), "the re-pricing job's end", app.Database.DescribeJobsAsync);
        (await app.Database.ScalarAsync<string>(jobState)).ShouldBe("Succeeded");
        using var body = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/traces/{trace}", UriKind.Relative)));
        body.RootElement.GetProperty("costUsd").GetDecimal().ShouldBe(0.5m);
        (await client.GetStringAsync(new Uri("/api/v1/prices/unpriced", UriKind.Relative))).ShouldNotContain("acme-mini");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action LIKE 'prices.%'")).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task An_admin_cancels_a_waiting_re_pricing_run_once_and_a_viewer_cannot()
    {
        // No job server: the run waits in the queue for the test to cancel it.
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        using var admin = app.CreateClient(withAdminKey: true);
        var runId = await app.App.Services.GetRequiredService<RepricingService>().CreateRunAsync(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow, "admin");
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "viewer", role = "viewer" });
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());

        (await viewer.PostAsync(new Uri($"/api/v1/prices/repricing/{runId}/cancel", UriKind.Relative), null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var cancelled = await admin.PostAsync(new Uri($"/api/v1/prices/repricing/{runId}/cancel", UriKind.Relative), null);
        var again = await admin.PostAsync(new Uri($"/api/v1/prices/repricing/{runId}/cancel", UriKind.Relative), null);
        var unknown = await admin.PostAsync(new Uri($"/api/v1/prices/repricing/{runId + 1}/cancel", UriKind.Relative), null);

        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        var run = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        (run.GetProperty("status").GetString(), run.GetProperty("error").GetString()).ShouldBe(("cancelled", "cancelled by api-key:bootstrap"));
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("already ended (cancelled)");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_invalid_price_is_refused_with_field_errors_and_a_viewer_cannot_add_one()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        using var anonymous = app.CreateClient();

        var invalid = await admin.PostAsJsonAsync("/api/v1/prices", new { provider = "acme", model = "m", inputPerMTok = -1m, outputPerMTok = 1m, tier = "huge" });
        var unauthenticated = await anonymous.PostAsJsonAsync("/api/v1/prices", new { provider = "acme" });

        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Order().ShouldBe(["effectiveFrom", "inputPerMTok", "tier"]);
        unauthenticated.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_LiteLLM_price_file_is_imported_and_a_broken_one_refused_whole()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        const string file = """
            {"sample_spec": {"input_cost_per_token": 0},
             "acme/acme-chat": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 0.000001, "output_cost_per_token": 0.000004},
             "acme-image": {"litellm_provider": "acme", "mode": "image_generation", "input_cost_per_image": 0.02}}
            """;

        var imported = await client.PostAsync(new Uri("/api/v1/prices/import", UriKind.Relative), new StringContent(file, Encoding.UTF8, "application/json"));
        var broken = await client.PostAsync(new Uri("/api/v1/prices/import", UriKind.Relative), new StringContent("[1, 2", Encoding.UTF8, "application/json"));

        imported.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var summary = JsonDocument.Parse(await imported.Content.ReadAsStringAsync());
        summary.RootElement.GetProperty("inserted").GetInt32().ShouldBe(1);
        summary.RootElement.GetProperty("skipped").GetInt32().ShouldBe(1);
        (await app.Database.ScalarAsync<decimal>("SELECT output_per_mtok FROM prices WHERE model = 'acme-chat' AND origin = 'import'")).ShouldBe(4m);
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
