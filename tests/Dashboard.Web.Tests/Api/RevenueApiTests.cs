using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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
}
