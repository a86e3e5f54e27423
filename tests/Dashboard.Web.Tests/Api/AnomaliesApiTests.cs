using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Anomalies;
using Tollgate.Analytics.Storage;
using Tollgate.Dashboard.Web.Api;
using Tollgate.Testing;

namespace Tollgate.Dashboard.Web.Tests.Api;

public sealed class AnomaliesApiTests
{
    private static readonly DateTime _start = new(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// An ingested_at for spans written before a scan: a scan looks at spans written from a little
    /// before it began (IngestWatermark.Overlap), so spans written just now would all count as new.
    /// </summary>
    private const string WrittenEarlier = "now() - interval '10 minutes'";

    private static object Series(int points, Func<int, double> value) => new
    {
        timestamps = Enumerable.Range(0, points).Select(h => _start.AddHours(h)).ToArray(),
        values = Enumerable.Range(0, points).Select(value).ToArray(),
    };

    [Fact]
    public async Task Detect_scores_every_point_with_the_cost_detector_and_flags_a_spike_naming_the_detector()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        // A gentle daily wave with a spike of +50 at hour 300.
        static double Value(int h) => 20 + (3 * Math.Sin(2 * Math.PI * h / 24)) + (h == 300 ? 50 : 0);

        var response = await client.PostAsJsonAsync("/api/v1/anomalies/detect", Series(400, Value));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var scores = body.GetProperty("scores").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        scores.Length.ShouldBe(400);
        body.GetProperty("expected").GetArrayLength().ShouldBe(400);
        body.GetProperty("lower").GetArrayLength().ShouldBe(400);
        body.GetProperty("upper").GetArrayLength().ShouldBe(400);
        scores[300].ShouldBeGreaterThan(0.5);
        scores.Where((_, h) => h is > 100 and < 300).ShouldAllBe(s => s < 0.5);
        body.GetProperty("detectors")[300].GetString().ShouldBe(AnomalyDetectors.Forecast);
        var direct = EnsembleAnomalyDetector.ScoreSeries(Enumerable.Range(0, 400).Select(h => _start.AddHours(h)).ToArray(), Enumerable.Range(0, 400).Select(Value).ToArray());
        scores.ShouldBe(direct.Select(s => s.Score).ToArray());
    }

    [Fact]
    public async Task Detect_refuses_unequal_lengths_unsorted_timestamps_and_oversized_series()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        var unequal = await client.PostAsJsonAsync("/api/v1/anomalies/detect", new { timestamps = new[] { _start, _start.AddHours(1) }, values = new[] { 1.0 } });
        var unsorted = await client.PostAsJsonAsync("/api/v1/anomalies/detect", new { timestamps = new[] { _start.AddHours(1), _start }, values = new[] { 1.0, 2.0 } });
        var oversized = await client.PostAsJsonAsync("/api/v1/anomalies/detect", Series(AnomaliesEndpoints.MaxDetectPoints + 1, _ => 1.0));

        unequal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await unequal.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!.ShouldContain("2 timestamps but 1 values");
        unsorted.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unsorted.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        oversized.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task The_scan_job_skips_hours_it_scanned_until_a_span_among_them_changes_and_ignores_the_hour_under_way()
    {
        // No scheduled scan: this test alone decides when the job's scan runs.
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        const int hours = 21 * 24;
        await app.App.Services.GetRequiredService<SpanPartitions>().EnsureAsync(_start, _start.AddHours(hours + 24));
        await app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing, team, feature, model, computed_cost_usd, ingested_at)
            SELECT (SELECT min(id) FROM projects), decode(md5(h::text), 'hex'), substr(decode(md5('s' || h::text), 'hex'), 1, 8), 'chat', 3,
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '5 minutes',
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '6 minutes', 0, true, 'search', 'answers', 'gpt-x',
                   1 + 0.3 * sin(2 * pi() * h / 24) + CASE WHEN h = {hours - 3} THEN 5 ELSE 0 END, {WrittenEarlier}
            FROM generate_series(0, {hours - 1}) AS h
            """);
        var scanner = app.App.Services.GetRequiredService<AnomalyScanner>();
        // Twenty minutes into the hour after the data: the hours scanned end where the data does.
        var now = _start.AddHours(hours).AddMinutes(20);
        var spikeHour = _start.AddHours(hours - 3);
        async Task<double> SpikeCostAsync() =>
            await app.Database.ScalarAsync<double>($"SELECT actual_usd FROM anomalies WHERE kind = 'cost' AND dimension = 'total' AND hour = '{spikeHour:yyyy-MM-dd HH:mm:ss}+00'");

        var first = await scanner.ScanIfChangedAsync(now, CancellationToken.None);
        var again = await scanner.ScanIfChangedAsync(now.AddMinutes(15), CancellationToken.None);

        first.ShouldNotBeNull().Anomalies.ShouldBeGreaterThan(0);
        again.ShouldBeNull();

        // A span of the hour under way is not judged yet: still nothing to scan.
        await app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing, team, feature, model, computed_cost_usd)
            VALUES ((SELECT min(id) FROM projects), '\x0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a', '\x0b0b0b0b0b0b0b0b', 'chat', 3,
                    '{now.AddMinutes(-5):yyyy-MM-dd HH:mm:ss}+00', '{now.AddMinutes(-4):yyyy-MM-dd HH:mm:ss}+00', 0, true, 'search', 'answers', 'gpt-x', 50)
            """);
        (await scanner.ScanIfChangedAsync(now.AddMinutes(30), CancellationToken.None)).ShouldBeNull();

        // Re-pricing the spike hour's span (which moves its ingested_at, as re-pricing does) changes what a scan would
        // store: the next scan runs and stores the new cost.
        (await SpikeCostAsync()).ShouldBeLessThan(7);
        await app.Database.ExecuteAsync($"""
            UPDATE spans SET computed_cost_usd = computed_cost_usd + 10, ingested_at = now()
            WHERE start_time = '{spikeHour.AddMinutes(5):yyyy-MM-dd HH:mm:ss}+00'
            """);
        (await scanner.ScanIfChangedAsync(now.AddMinutes(35), CancellationToken.None)).ShouldNotBeNull();
        (await SpikeCostAsync()).ShouldBeGreaterThan(15);

        // The next hour is new hours to judge: scanned whatever changed. Then nothing changes again.
        await app.Database.ExecuteAsync($"UPDATE spans SET ingested_at = {WrittenEarlier}");
        (await scanner.ScanIfChangedAsync(now.AddHours(1), CancellationToken.None)).ShouldNotBeNull();
        (await scanner.ScanIfChangedAsync(now.AddHours(1).AddMinutes(15), CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task A_scan_stores_a_team_spike_with_its_contributors_and_scanning_again_adds_nothing()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        const int hours = 21 * 24;
        const int spike = (20 * 24) + 10; // the last day, 10:00
        await app.App.Services.GetRequiredService<SpanPartitions>().EnsureAsync(_start, _start.AddHours(hours));
        // Two teams with a daily wave and small deterministic jitter; team 'search' costs $5 more at the spike hour.
        await app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing, team, feature, model, computed_cost_usd)
            SELECT (SELECT min(id) FROM projects), decode(md5(h::text || t), 'hex'), substr(decode(md5(t || h::text), 'hex'), 1, 8), 'chat', 3,
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '5 minutes',
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '6 minutes', 0, true, t, 'answers', 'gpt-x',
                   base * (1 + 0.3 * sin(2 * pi() * h / 24)) + 0.01 * ((h * 7919) % 13 - 6) + CASE WHEN t = 'search' AND h = {spike} THEN 5 ELSE 0 END
            FROM generate_series(0, {hours - 1}) AS h, (VALUES ('search', 1.0), ('billing', 0.5)) AS teams(t, base)
            """);
        var scanner = app.App.Services.GetRequiredService<AnomalyScanner>();

        var first = await scanner.ScanAsync(null, _start.AddHours(hours), CancellationToken.None);
        var again = await scanner.ScanAsync(null, _start.AddHours(hours), CancellationToken.None);

        first.Anomalies.ShouldBeGreaterThan(0);
        again.Anomalies.ShouldBe(first.Anomalies);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM anomalies")).ShouldBe(first.Anomalies);
        var listed = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/anomalies?from=2026-10-25T00:00:00Z&to=2026-10-26T00:00:00Z", UriKind.Relative)));
        var atSpike = listed.RootElement.GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("timestamp").GetDateTime() == _start.AddHours(spike)).ToList();
        var series = atSpike.Select(r => $"{r.GetProperty("dimension").GetString()}:{r.GetProperty("key").GetString()}").ToList();
        series.ShouldContain("total:all");
        series.ShouldContain("team:search");
        series.ShouldContain("model:gpt-x");
        series.ShouldNotContain("team:billing");
        var total = atSpike.Single(r => r.GetProperty("dimension").GetString() == "total");
        // Search's actual at 10:00 is 1 * (1 + 0.3 sin(2π 490 / 24)) + jitter + 5, about 6.3; billing adds about 0.65.
        total.GetProperty("actualUsd").GetDouble().ShouldBeGreaterThan(6.5);
        total.GetProperty("score").GetDouble().ShouldBeGreaterThan(0.5);
        var teams = total.GetProperty("contributors").EnumerateArray().Where(c => c.GetProperty("dimension").GetString() == "team").ToList();
        teams[0].GetProperty("key").GetString().ShouldBe("search");
        // Nearly all of the excess is search's: its share is close to 1.
        teams[0].GetProperty("share").GetDouble().ShouldBeInRange(0.9, 1.1);
    }

    [Fact]
    public async Task A_spike_that_a_re_pricing_takes_back_into_its_band_leaves_the_list_and_only_an_announced_row_is_kept()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a), settings: new Dictionary<string, string> { ["Tollgate:Jobs:Enabled"] = "false" });
        using var client = app.CreateClient(withAdminKey: true);
        const int hours = 21 * 24;
        const int spike = (20 * 24) + 10; // the last day, 10:00
        var spikeStart = _start.AddHours(spike).AddMinutes(5);
        await app.App.Services.GetRequiredService<SpanPartitions>().EnsureAsync(_start, _start.AddHours(hours));
        // One team with a daily wave and small jitter, $5 more at the spike hour.
        await app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing, team, feature, model, computed_cost_usd)
            SELECT (SELECT min(id) FROM projects), decode(md5(h::text), 'hex'), substr(decode(md5('s' || h::text), 'hex'), 1, 8), 'chat', 3,
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '5 minutes',
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '6 minutes', 0, true, 'search', 'answers', 'gpt-x',
                   1 + 0.3 * sin(2 * pi() * h / 24) + 0.01 * ((h * 7919) % 13 - 6) + CASE WHEN h = {spike} THEN 5 ELSE 0 END
            FROM generate_series(0, {hours - 1}) AS h
            """);
        var scanner = app.App.Services.GetRequiredService<AnomalyScanner>();
        async Task<List<string>> ListedAtSpikeAsync()
        {
            var listed = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/anomalies?from=2026-10-25T00:00:00Z&to=2026-10-26T00:00:00Z", UriKind.Relative)));
            return [.. listed.RootElement.GetProperty("rows").EnumerateArray()
                .Where(r => r.GetProperty("timestamp").GetDateTime() == _start.AddHours(spike))
                .Select(r => $"{r.GetProperty("dimension").GetString()}:{r.GetProperty("key").GetString()}")];
        }

        async Task RepriceSpikeAsync(int addUsd) => await app.Database.ExecuteAsync(
            $"UPDATE spans SET computed_cost_usd = computed_cost_usd + {addUsd}, ingested_at = now() WHERE start_time = '{spikeStart:yyyy-MM-dd HH:mm:ss}+00'");

        await scanner.ScanAsync(null, _start.AddHours(hours), CancellationToken.None);
        (await ListedAtSpikeAsync()).ShouldContain("total:all");
        (await ListedAtSpikeAsync()).ShouldContain("team:search");
        // The total's alert went out; the team's and the others' were never announced.
        await app.Database.ExecuteAsync("UPDATE anomalies SET notified_at = now() WHERE dimension = 'total'");

        // A re-pricing takes the $5 away: the hour is back in its band.
        await RepriceSpikeAsync(-5);
        await scanner.ScanAsync(null, _start.AddHours(hours), CancellationToken.None);

        (await ListedAtSpikeAsync()).ShouldBeEmpty();
        // Kept: the announced total alone, marked cleared.
        (await app.Database.ScalarAsync<string>(
            $"SELECT string_agg(kind || ':' || dimension || ':' || (cleared_at IS NOT NULL)::text, ',') FROM anomalies WHERE hour = '{_start.AddHours(spike):yyyy-MM-dd HH:mm:ss}+00'"))
            .ShouldBe("cost:total:true");

        // Found again after another correction: listed again, and still announced only once.
        await RepriceSpikeAsync(5);
        await scanner.ScanAsync(null, _start.AddHours(hours), CancellationToken.None);

        (await ListedAtSpikeAsync()).ShouldContain("total:all");
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM anomalies WHERE cleared_at IS NOT NULL")).ShouldBe(0);
        (await app.Database.ScalarAsync<long>("SELECT count(*) FROM anomalies WHERE dimension = 'total' AND notified_at IS NULL")).ShouldBe(0);
    }

    [Fact]
    public async Task A_scan_stores_a_shift_in_the_model_mix_under_a_steady_total_and_the_list_explains_it()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);
        const int hours = 21 * 24;
        const int shift = (20 * 24) + 10; // the last day, 10:00
        await app.App.Services.GetRequiredService<SpanPartitions>().EnsureAsync(_start, _start.AddHours(hours));
        // One team whose hourly spend (a daily wave) goes 50/30/20 to three models with a small
        // deterministic wobble; from the shift on, 'frontier' takes 50% of the same total.
        await app.Database.ExecuteAsync($"""
            INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_time, end_time, status_code, billing, team, feature, model, computed_cost_usd)
            SELECT (SELECT min(id) FROM projects), decode(md5(h::text || m), 'hex'), substr(decode(md5(m || h::text), 'hex'), 1, 8), 'chat', 3,
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '5 minutes',
                   timestamptz '2026-10-05 00:00:00+00' + h * interval '1 hour' + interval '6 minutes', 0, true, 'search', 'answers', m,
                   10 * (1 + 0.4 * sin(2 * pi() * h / 24))
                      * CASE WHEN h >= {shift} THEN (CASE WHEN m = 'frontier' THEN 0.5 ELSE share * 0.5 / 0.8 END) ELSE share END
                      * (1 + 0.02 * ((h * 7919 + length(m) * 104729) % 11 - 5) / 5.0)
            FROM generate_series(0, {hours - 1}) AS h, (VALUES ('small', 0.5), ('medium', 0.3), ('frontier', 0.2)) AS models(m, share)
            """);
        var scanner = app.App.Services.GetRequiredService<AnomalyScanner>();

        await scanner.ScanAsync(null, _start.AddHours(hours), CancellationToken.None);

        var listed = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/anomalies?from=2026-10-25T00:00:00Z&to=2026-10-26T00:00:00Z", UriKind.Relative)));
        var mix = listed.RootElement.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "mix").ToList();
        var row = mix.ShouldHaveSingleItem();
        row.GetProperty("timestamp").GetDateTime().ShouldBe(_start.AddHours(shift));
        row.GetProperty("dimension").GetString().ShouldBe("model");
        row.GetProperty("key").GetString().ShouldBe("frontier");
        row.GetProperty("detector").GetString().ShouldBe("mix");
        // 50% give or take the wobble, against the usual 20%.
        row.GetProperty("explanation").GetString()!.ShouldMatch(@"model 'frontier' took (49|50|51)% of the hour's \$[0-9.]+ \(usually 20%");
        // The cost rows of the same scan say which detector flagged them, and why.
        listed.RootElement.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "cost")
            .ShouldAllBe(r => r.GetProperty("detector").GetString()!.Length > 0 && r.GetProperty("explanation").GetString()!.Length > 0);
    }

    [Fact]
    public async Task A_list_range_that_ends_before_it_starts_is_refused()
    {
        await using var app = await RunningApp.StartAsync(a => DashboardApp.BuildAsync(a));
        using var client = app.CreateClient(withAdminKey: true);

        var response = await client.GetAsync(new Uri("/api/v1/anomalies?from=2026-10-05T00:00:00Z&to=2026-10-01T00:00:00Z", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
