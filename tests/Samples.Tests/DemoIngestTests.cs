using Tollgate.Ingest.Api;
using Tollgate.OrchestratedApp.Demo;
using Tollgate.OrchestratedApp.Telemetry;
using Tollgate.Testing;

namespace Tollgate.Samples.Tests;

/// <summary>The demo sent to the real receiver, and what Tollgate stored of it.</summary>
[Collection(SampleSources.Name)]
public sealed class DemoIngestTests
{
    private static readonly DemoOptions Options = new() { Days = 2, RequestsPerDay = 150, Seed = 7 };

    [Fact]
    public async Task Every_span_of_the_demo_is_stored_and_the_stored_mix_matches_the_configuration()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        var target = new OtlpTarget(app.OtlpHttpAddress, RunningApp.IngestKey);

        var result = new DemoGenerator(Options, target.Create).Run();

        result.Requests.ShouldBe(300);
        target.Stats.Failed.ShouldBe(0);
        target.Stats.Rejected.ShouldBe(0);
        target.Stats.Exported.ShouldBe(result.Spans);
        var db = app.Database;
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans")).ShouldBe(result.Spans);
        (await db.ScalarAsync<long>("SELECT count(DISTINCT trace_id) FROM spans")).ShouldBe(result.Requests);

        // Context crossed the three services: no span points at a parent missing from its trace.
        (await db.ScalarAsync<string>("SELECT string_agg(DISTINCT coalesce(service, '(none)'), ',') FROM spans")).ShouldBe("agents,gateway,retrieval");
        (await db.ScalarAsync<long>(
            "SELECT count(*) FROM spans c WHERE c.parent_span_id IS NOT NULL AND NOT EXISTS "
            + "(SELECT 1 FROM spans p WHERE p.trace_id = c.trace_id AND p.span_id = c.parent_span_id)")).ShouldBe(0);
        // Every model the demo uses is in the price catalogue, and the root's attribution reaches every span.
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE billing AND price_id IS NULL AND status_code <> 2")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE team IS NULL OR feature IS NULL OR customer IS NULL")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE reasoning_tokens > 0")).ShouldBeGreaterThan(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE cache_write_tokens > 0")).ShouldBeGreaterThan(0);

        var routed = await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE route_tier IS NOT NULL");
        ShareOf(await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE route_tier = 'small'"), routed).ShouldBe(Options.SmallShare, 0.05);
        ShareOf(await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE route_tier = 'mid'"), routed).ShouldBe(Options.MidShare, 0.05);
        ShareOf(await db.ScalarAsync<long>("SELECT count(*) FROM spans WHERE route_tier = 'frontier'"), routed).ShouldBe(Options.FrontierShare, 0.05);

        var traces = result.Requests;
        ShareOf(await db.ScalarAsync<long>("SELECT count(DISTINCT trace_id) FROM spans WHERE cache_hit"), traces).ShouldBe(Options.CacheRate, 0.02);
        ShareOf(await db.ScalarAsync<long>("SELECT count(DISTINCT trace_id) FROM spans WHERE fallback"), traces).ShouldBe(Options.FallbackRate, 0.01);
        ShareOf(await db.ScalarAsync<long>("SELECT count(DISTINCT trace_id) FROM spans WHERE retry_attempt >= 1"), traces).ShouldBe(Options.RetryRate, 0.01);
    }

    private static double ShareOf(long part, long whole) => whole == 0 ? double.NaN : (double)part / whole;
}
