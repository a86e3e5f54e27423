using System.Diagnostics;
using Tollgate.Analytics.Keys;
using Tollgate.Dashboard.Web;
using Tollgate.Dashboard.Web.Components.Pages.Connect;
using Tollgate.OrchestratedApp.Demo;
using Tollgate.Testing;

namespace Tollgate.Samples.Tests;

/// <summary>The Connect page's set-up, used exactly as rendered, configures a real exporter.</summary>
public sealed class ConnectSnippetsTests
{
    [Fact]
    public async Task The_sample_configured_only_by_the_Connect_page_exports_reaches_the_keys_project_attributed()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        await using var dataSource = app.Database.CreateDataSource();
        var (_, key) = await new KeyStore(dataSource).CreateIngestKeyAsync("snippet-check", "sample service", null, "test");
        var snippets = new ConnectSnippets(app.OtlpHttpAddress.ToString(), key, "platform team", "snippet, check");

        // The page's shell exports, then the sample with no --endpoint or --key: only the variables configure it.
        var sample = SampleExecutable();
        var script = snippets.Shell + $"exec dotnet '{sample}' demo --days 1 --requests-per-day 12 --seed 5\n";
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SERVICE_NAME" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        process.ExitCode.ShouldBe(0, await output + await errors);

        var db = app.Database;
        // 12 requests a day for one day: 12 traces, all in the key's project.
        (await db.ScalarAsync<long>("SELECT count(DISTINCT s.trace_id) FROM spans s JOIN projects p ON p.id = s.project_id WHERE p.name = 'snippet-check'")).ShouldBe(12);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans s JOIN projects p ON p.id = s.project_id WHERE p.name <> 'snippet-check'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE team IS NULL OR feature IS NULL")).ShouldBe(0);
        // The sample names team and feature on its root spans; every other span carries the
        // resource attributes from OTEL_RESOURCE_ATTRIBUTES, percent-decoded by the SDK.
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE parent_span_id IS NOT NULL AND (team <> 'platform team' OR feature <> 'snippet, check')")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE parent_span_id IS NOT NULL")).ShouldBeGreaterThan(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE billing AND cost_source IS NULL AND status_code <> 2")).ShouldBe(0);
    }

    // The sample's own build output (same configuration as this test's): its dependencies are
    // resolved from its own deps.json, which the copy next to the tests does not match.
    private static string SampleExecutable()
    {
        var testOutput = AppContext.BaseDirectory.Replace('\\', '/');
        var path = testOutput.Replace("/tests/Samples.Tests/", "/samples/OrchestratedApp/", StringComparison.Ordinal)
            + Path.GetFileName(typeof(DemoGenerator).Assembly.Location);
        File.Exists(path).ShouldBeTrue($"the sample is built at {path}");
        return path;
    }
}
