using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Budgets;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Budgets;

/// <summary>A dashboard with fast budget timings, and spans written straight into its span table.</summary>
internal static class BudgetKit
{
    public static Task<RunningApp> StartAsync(IDictionary<string, string>? extra = null, TestDatabase? database = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Tollgate:Budgets:SpendPollInterval"] = "00:00:00.200",
            // Tests reload explicitly; a timed reload would hide whether polling alone works.
            ["Tollgate:Budgets:FullReloadInterval"] = "01:00:00",
            ["Tollgate:Budgets:DeliveryPollInterval"] = "00:00:00.100",
            ["Tollgate:Budgets:RetryBaseDelay"] = "00:00:00.100",
            ["Tollgate:Budgets:DeliveryTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), database, settings);
    }

    /// <summary>Writes one span of the default project starting a second ago (so in the current week and month).</summary>
    public static Task AddSpanAsync(
        RunningApp app, string? team, decimal? providedCost, decimal? computedCost = null, string? feature = null, string? customer = null,
        string model = "gpt-5.4-mini", bool billing = true, DateTime? start = null)
    {
        var at = (start ?? DateTime.UtcNow.AddSeconds(-1)).ToString("o", CultureInfo.InvariantCulture);
        return app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, provider, model,
                               provided_cost_usd, computed_cost_usd, billing, team, feature, customer)
            VALUES ((SELECT id FROM projects WHERE name = 'default'), decode(md5(random()::text), 'hex'), decode(substr(md5(random()::text), 1, 16), 'hex'),
                    'chat', 3, '{at}', '{at}', 1, 'openai', '{model}', {Sql(providedCost)}, {Sql(computedCost)}, {billing}, {Sql(team)}, {Sql(feature)}, {Sql(customer)})
            """);
    }

    public static SpendTracker Tracker(RunningApp app) => app.App.Services.GetRequiredService<SpendTracker>();

    public static Task RefreshAsync(RunningApp app) => Tracker(app).RefreshAsync();

    public static async Task<JsonElement> CreateBudgetAsync(HttpClient admin, object budget)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/budgets", budget);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> StatusAsync(HttpClient client, int id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/budgets/{id}/status");

    public static async Task<JsonElement> CheckAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/governance/check", request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Sql(decimal? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "NULL";

    private static string Sql(string? value) => value is null ? "NULL" : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
