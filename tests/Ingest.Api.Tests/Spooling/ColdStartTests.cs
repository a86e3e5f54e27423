using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Analytics.Pricing;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Spooling;
using Tollgate.Testing;
using static Tollgate.Ingest.Api.Tests.OtlpBuilder;
using static Tollgate.Ingest.Api.Tests.Otlp.ResilienceTests;
using static Tollgate.Ingest.Api.Tests.Spooling.SpoolOutageTests;

namespace Tollgate.Ingest.Api.Tests.Spooling;

/// <summary>
/// The receiver's snapshot at work while PostgreSQL is down: a receiver (re)started then starts,
/// accepts into its spool with the keys, prices and attribution rules of its last snapshot, and
/// stores everything once the server returns; a running one knows keys it has not seen yet.
/// </summary>
public sealed class ColdStartTests
{
    private const decimal InputPerMTok = 7.5m;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private static Dictionary<string, string> SpoolIn(string directory) => new() { ["Tollgate:Ingest:Spool:Directory"] = directory };

    private static string NewSpoolDirectory() => Path.Combine(Path.GetTempPath(), "tollgate-test-spool-cold-" + Guid.NewGuid().ToString("N")[..10]);

    /// <summary>A priced call of a model only this test's database has a price for, tagged with the attribute a project rule maps to a team.</summary>
    private static Tollgate.Ingest.Api.Otlp.Proto.ExportTraceServiceRequest PricedCall(byte[] trace) =>
        Request([Span(trace, NewSpanId(), null, "chat cold-start-model", DateTime.UtcNow.AddSeconds(-5),
            ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "acme"), ("gen_ai.request.model", "cold-start-model"),
            ("gen_ai.usage.input_tokens", 1_000_000), ("gen_ai.usage.output_tokens", 0), ("acme.squad", "night-shift"))]);

    private static async Task StopAsync(RunningApp app)
    {
        // Not RunningApp.DisposeAsync: the database and the spool outlive this process.
        await app.App.StopAsync();
        await app.App.DisposeAsync();
    }

    [Fact]
    public async Task A_receiver_restarted_while_the_server_is_down_accepts_with_its_snapshot_and_stores_every_span_priced_once_the_server_returns()
    {
        await using var server = await PrivatePostgres.StartAsync();
        var database = await TestDatabase.CreateAsync(server.AdminConnectionString);
        var spool = NewSpoolDirectory();
        var first = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), database, SpoolIn(spool));
        File.Exists(Path.Combine(spool, ReceiverSnapshot.FileName)).ShouldBeTrue("start-up saves the snapshot");

        // A price and a rule made after start-up reach the snapshot at the next refresh, which runs now rather than in a minute.
        await database.ExecuteAsync($"""
            INSERT INTO prices (provider, model, input_per_mtok, output_per_mtok, tier, effective_from, origin)
            VALUES ('acme', 'cold-start-model', {InputPerMTok.ToString(CultureInfo.InvariantCulture)}, 0, 'frontier', now() - interval '1 day', 'custom');
            INSERT INTO attribution_rules (project_id, attribute_key, target, created_by)
            SELECT project_id, 'acme.squad', 'team', 'test' FROM ingest_keys;
            """);
        var prices = first.App.Services.GetRequiredService<CurrentPrices>();
        await prices.RefreshAsync();
        await first.App.Services.GetRequiredService<ReceiverSnapshot>().SaveAsync(prices.Catalogue, first.App.Services.GetRequiredService<IngestKeyStore>(), CancellationToken.None);
        var before = NewTraceId();
        (await PostAsync(first, PricedCall(before))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await StopAsync(first);

        await server.StopAbruptlyAsync();
        await using var second = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), database, SpoolIn(spool));
        var during = new[] { NewTraceId(), NewTraceId(), NewTraceId() };
        foreach (var trace in during)
        {
            (await PostAsync(second, PricedCall(trace))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await SpoolHealthAsync(second.OtlpHttpPort)).Records.ShouldBe(3);
        using (var unknown = await PostAsync(second, PricedCall(NewTraceId()), key: "tg_ingest_not_in_the_snapshot_0123456789"))
        {
            // Perhaps made after the snapshot: the exporter is asked to retry, not told the key is wrong.
            unknown.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            unknown.Headers.RetryAfter.ShouldNotBeNull();
        }

        await server.StartAgainAsync();
        // The test's own pooled connection, opened before the stop, died with the server.
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(second.OtlpHttpPort)).Records == 0, Bound, "The spool replayed once the server returned");
        await StoredExactlyAsync(database, new[] { before }.Concat(during).ToDictionary(Convert.ToHexString, _ => 1L));
        var wrong = await database.ScalarAsync<long>("""
            SELECT count(*) FROM spans
            WHERE computed_cost_usd IS DISTINCT FROM 7.5 OR team IS DISTINCT FROM 'night-shift'
            """);
        wrong.ShouldBe(0, "every span priced at the snapshot's price and attributed by its rule");
    }

    [Fact]
    public async Task A_key_first_used_during_an_outage_is_accepted_when_the_last_snapshot_knew_it()
    {
        await using var server = await PrivatePostgres.StartAsync();
        var database = await TestDatabase.CreateAsync(server.AdminConnectionString);
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), database, SpoolIn(NewSpoolDirectory()));
        const string key = "tg_ingest_first_used_in_an_outage_0123456789";
        await database.ExecuteAsync($"""
            INSERT INTO ingest_keys (project_id, name, key_hash, key_prefix)
            SELECT project_id, 'second', '\x{Convert.ToHexString(Tollgate.Analytics.Keys.KeyHasher.Hash(key))}', 'tg_ingest_fi…' FROM ingest_keys LIMIT 1
            """);
        // What the minute's refresh does.
        var prices = app.App.Services.GetRequiredService<CurrentPrices>();
        await app.App.Services.GetRequiredService<ReceiverSnapshot>().SaveAsync(prices.Catalogue, app.App.Services.GetRequiredService<IngestKeyStore>(), CancellationToken.None);

        await server.StopAbruptlyAsync();
        var trace = NewTraceId();
        (await PostAsync(app, Batch(trace, 3), key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var unknown = await PostAsync(app, Batch(NewTraceId(), 3), key: "tg_ingest_never_made_0123456789abcdef"))
        {
            unknown.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        await server.StartAgainAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(app.OtlpHttpPort)).Records == 0, Bound, "The spool replayed once the server returned");
        await StoredExactlyAsync(database, new Dictionary<string, long> { [Convert.ToHexString(trace)] = 3 });
    }

    [Fact]
    public async Task A_receiver_that_never_reached_the_database_starts_asks_exporters_to_retry_and_accepts_once_the_server_is_up()
    {
        await using var server = await PrivatePostgres.StartAsync();
        var database = await TestDatabase.CreateAsync(server.AdminConnectionString);
        await server.StopAbruptlyAsync();
        var spool = NewSpoolDirectory();
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a), database, SpoolIn(spool));

        using (var refused = await PostAsync(app, Batch(NewTraceId(), 2)))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter.ShouldNotBeNull();
        }

        await server.StartAgainAsync();
        var trace = NewTraceId();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await PostAsync(app, Batch(trace, 2));
            return response.StatusCode == HttpStatusCode.OK;
        }, Bound, "The batch accepted once the server is up and start-up has finished");
        await Eventually.TrueAsync(async () => (await SpoolHealthAsync(app.OtlpHttpPort)).Records == 0, Bound, "Nothing left in the spool");
        await StoredExactlyAsync(database, new Dictionary<string, long> { [Convert.ToHexString(trace)] = 2 });
        File.Exists(Path.Combine(spool, ReceiverSnapshot.FileName)).ShouldBeTrue("the finished start-up saves the snapshot");
    }
}
