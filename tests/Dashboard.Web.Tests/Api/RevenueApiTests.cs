using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tollgate.Dashboard.Web.Api;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class RevenueApiTests
{
    [Fact]
    public async Task Revenue_posted_as_JSON_is_stored_and_posting_it_again_replaces_it()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        object[] body = [new { feature = "answers", customer = "acme", periodStart = "2026-11-01T00:00:00Z", periodEnd = "2026-12-01T00:00:00Z", amountUsd = 1200.5m },
            new { feature = "answers", periodStart = "2026-11-01T00:00:00Z", periodEnd = "2026-12-01T00:00:00Z", amountUsd = 300m }];

        var first = await client.PostAsJsonAsync("/api/v1/revenue", body);
        var again = await client.PostAsJsonAsync("/api/v1/revenue", body);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.Content.ReadAsStringAsync()).ShouldBe("{\"inserted\":2,\"replaced\":0}");
        (await again.Content.ReadAsStringAsync()).ShouldBe("{\"inserted\":0,\"replaced\":2}");
        (await app.Database.ScalarAsync<decimal>("SELECT sum(amount_usd) FROM revenue")).ShouldBe(1500.5m);
        var listed = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/revenue?from=2026-11-15T00:00:00Z", UriKind.Relative)));
        listed.RootElement.GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task A_CSV_with_a_bad_line_is_refused_whole_with_every_bad_line_listed()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        const string csv = "feature,customer,periodStart,periodEnd,amountUsd\nanswers,acme,2026-11-01,2026-12-01,100\ntriage,,2026-11-01,2026-10-01,50\n,x,2026-11-01,2026-12-01,1\n";

        var response = await client.PostAsync(new Uri("/api/v1/revenue/csv", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ShouldBe([
            "line 3: periodEnd must be after periodStart",
            "line 4: feature is required (at most 256 characters)",
        ]);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);
    }

    [Fact]
    public async Task A_good_CSV_is_stored_and_audited()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        const string csv = "feature,periodStart,periodEnd,amountUsd\nanswers,2026-11-01,2026-12-01,100\ntriage,2026-11-01,2026-12-01,50.25\n";

        var response = await client.PostAsync(new Uri("/api/v1/revenue/csv", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Database.ScalarAsync<decimal>("SELECT sum(amount_usd) FROM revenue")).ShouldBe(150.25m);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'revenue.import'")).ShouldBe(1);
    }

    [Fact]
    public async Task Only_admins_and_PMs_may_send_revenue()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "dashboards", role = "viewer" });
        var viewerKey = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString();
        using var viewer = app.CreateClient();
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);

        var refused = await viewer.PostAsJsonAsync("/api/v1/revenue", new[] { new { feature = "answers", periodStart = "2026-11-01", periodEnd = "2026-12-01", amountUsd = 1 } });

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync(new Uri("/api/v1/revenue", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_file_imported_in_the_background_answers_202_with_where_to_follow_it_and_is_stored_by_a_job()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        var csv = new StringBuilder("feature,customer,periodStart,periodEnd,amountUsd\n");
        for (var i = 0; i < 12_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"answers,c{i},2026-11-01,2026-12-01,2\n");
        }

        var response = await client.PostAsync(new Uri("/api/v1/revenue/imports?fileName=november.csv", UriKind.Relative), new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var location = response.Headers.Location!;
        var queued = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        location.ToString().ShouldBe($"/api/v1/revenue/imports/{queued.GetProperty("id").GetInt64()}");
        (queued.GetProperty("project").GetString(), queued.GetProperty("fileName").GetString()).ShouldBe(("default", "november.csv"));
        JsonElement import = default;
        await Eventually.TrueAsync(async () =>
        {
            import = await client.GetFromJsonAsync<JsonElement>(location);
            return import.GetProperty("status").GetString() is "succeeded" or "failed";
        }, TimeSpan.FromMinutes(2), "the import's job ending", app.Database.DescribeJobsAsync);
        import.GetProperty("status").GetString().ShouldBe("succeeded");
        (import.GetProperty("linesDone").GetInt32(), import.GetProperty("linesTotal").GetInt32(), import.GetProperty("inserted").GetInt32()).ShouldBe((12_000, 12_000, 12_000));
        (await app.Database.ScalarAsync<decimal>("SELECT sum(amount_usd) FROM revenue")).ShouldBe(24_000m);
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/revenue/imports"))[0].GetProperty("id").GetInt64().ShouldBe(queued.GetProperty("id").GetInt64());
        (await client.GetAsync(new Uri($"{location}9", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_import_with_no_body_or_for_an_unknown_project_is_refused_before_anything_is_kept()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        var empty = await client.PostAsync(new Uri("/api/v1/revenue/imports", UriKind.Relative), new StringContent("", Encoding.UTF8, "text/csv"));
        var unknown = await client.PostAsync(new Uri("/api/v1/revenue/imports?project=nope", UriKind.Relative), new StringContent("feature\n", Encoding.UTF8, "text/csv"));

        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("Send the CSV file as the request body");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue_imports")).ShouldBe(0);
    }

    [Fact]
    public async Task Two_figures_for_the_same_feature_customer_and_period_in_one_set_are_refused_naming_both()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        object[] body = [new { feature = "answers", customer = "acme", periodStart = "2026-11-01T00:00:00Z", periodEnd = "2026-12-01T00:00:00Z", amountUsd = 1m },
            new { feature = "answers", customer = "acme", periodStart = "2026-11-01T00:00:00Z", periodEnd = "2026-12-01T00:00:00Z", amountUsd = 2m }];

        var response = await client.PostAsJsonAsync("/api/v1/revenue", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetString()
            .ShouldBe("item 2: repeats the feature, customer and period of item 1; keep one");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM revenue")).ShouldBe(0);
    }

    [Fact]
    public async Task A_CSV_upload_over_the_limit_is_refused_with_413_pointing_to_the_background_import()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        var oversized = new string('x', (int)RevenueEndpoints.MaxCsvBytes + 1);

        var response = await client.PostAsync(new Uri("/api/v1/revenue/csv", UriKind.Relative), new StringContent(oversized, Encoding.UTF8, "text/csv"));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).ShouldContain("POST /api/v1/revenue/imports");
    }
}
