using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Dashboard.Web.Accounts;
using Tollgate.Testing;
using Xunit.Abstractions;

namespace Tollgate.Dashboard.Web.Tests.Api;

/// <summary>
/// Every operation of the OpenAPI document and every page, called as each kind of caller: the
/// matrix comes from the running app, so an endpoint or page added later is checked too.
/// </summary>
public sealed partial class AuthorizationMatrixTests(ITestOutputHelper output)
{
    /// <summary>POSTs that compute an answer without changing anything: anyone who reads may call them.</summary>
    private static readonly HashSet<string> ReadLikePosts = new(StringComparer.Ordinal)
    {
        "POST /api/v1/governance/check", "POST /api/v1/scenarios", "POST /api/v1/anomalies/detect",
    };

    /// <summary>Reads kept to admins: who may sign in, and what everybody changed.</summary>
    private static readonly HashSet<string> AdminOnlyReads = new(StringComparer.Ordinal)
    {
        "GET /api/v1/audit", "GET /api/v1/users",
    };

    /// <summary>Writes that another role than admin may make, by role.</summary>
    private static readonly Dictionary<string, string[]> AlsoAllowed = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/revenue"] = [Roles.Pm],
        ["POST /api/v1/revenue/csv"] = [Roles.Pm],
        ["POST /api/v1/revenue/imports"] = [Roles.Pm],
    };

    [GeneratedRegex(@"\{([^}:]+)(:[^}]+)?\}")]
    private static partial Regex RouteParameter();

    private static string Fill(string template) => RouteParameter().Replace(template, m => m.Groups[1].Value.ToLowerInvariant() switch
    {
        "traceid" => new string('a', 32),
        "id" => "999999",
        _ => "nobody",
    });

    [Fact]
    public async Task Every_API_operation_answers_each_caller_as_its_role_allows()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var admin = app.CreateClient(withAdminKey: true);
        var keys = new Dictionary<string, string> { [Roles.Admin] = RunningApp.AdminKey };
        foreach (var role in new[] { Roles.Lead, Roles.Pm, Roles.Viewer })
        {
            var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "matrix-" + role, role });
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
            keys[role] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }

        var document = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Method: op.Name.ToUpperInvariant(), Path: path.Name)))
            .Where(op => op.Path.StartsWith("/api/", StringComparison.Ordinal))
            .ToList();
        operations.Count.ShouldBeGreaterThan(40, "the OpenAPI document should list every API operation");

        var callers = new List<(string Name, string? Key, string? Role)> { ("anonymous", null, null), ("ingest key", RunningApp.IngestKey, null) };
        callers.AddRange(keys.Select(k => ($"{k.Key} key", (string?)k.Value, (string?)k.Key)));
        var violations = new List<string>();
        foreach (var (method, path) in operations)
        {
            var operation = $"{method} {path}";
            foreach (var (name, key, role) in callers)
            {
                using var client = new HttpClient { BaseAddress = app.BaseAddress };
                if (key is not null)
                {
                    client.DefaultRequestHeaders.Authorization = new("Bearer", key);
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Fill(path), UriKind.Relative));
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var status = (int)(await client.SendAsync(request)).StatusCode;
                var expected = role is null ? "401"
                    : role == Roles.Admin || (method == "GET" && !AdminOnlyReads.Contains(operation)) || ReadLikePosts.Contains(operation)
                        || (AlsoAllowed.TryGetValue(operation, out var roles) && roles.Contains(role)) ? "allowed"
                    : "403";
                var actual = status is 401 or 403 ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "allowed";
                if (actual != expected)
                {
                    violations.Add($"{operation} as {name}: {status}, expected {expected}");
                }
            }
        }

        output.WriteLine($"{operations.Count} operations x {callers.Count} callers = {operations.Count * callers.Count} requests");
        violations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_page_sends_an_anonymous_visitor_to_the_sign_in_form()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        var pages = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => e.RoutePattern.RawText!)
            .Where(p => !p.StartsWith("/account/", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        pages.Count.ShouldBeGreaterThan(10);
        using var client = app.CreateClient(followRedirects: false);

        var open = new List<string>();
        foreach (var page in pages)
        {
            var response = await client.GetAsync(new Uri(Fill(page), UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("/account/login", StringComparison.Ordinal) != true)
            {
                open.Add($"{page}: {(int)response.StatusCode}");
            }
        }

        open.ShouldBeEmpty();
    }
}
