using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage;
using Tollgate.Testing;
using static Tollgate.Analytics.Tests.Pricing.TestPrices;

namespace Tollgate.Analytics.Tests.Pricing;

public sealed class PriceStoreTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PriceStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new SchemaMigrator(_dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        _store = new PriceStore(_dataSource);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Seeding_twice_inserts_nothing_new_and_keeps_an_admins_edit_of_a_seed_price()
    {
        var first = await _store.SeedAsync();
        await _database.ExecuteAsync("UPDATE prices SET input_per_mtok = 7.77 WHERE provider = 'openai' AND model = 'gpt-4o'");

        var second = await _store.SeedAsync();

        first.ShouldBe(SeedCatalogue.Load().Count);
        second.ShouldBe(0);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM prices")).ShouldBe(first);
        (await _database.ScalarAsync<decimal>("SELECT input_per_mtok FROM prices WHERE provider = 'openai' AND model = 'gpt-4o'")).ShouldBe(7.77m);
    }

    [Fact]
    public async Task The_loaded_catalogue_prices_spans_with_stored_price_ids()
    {
        await _store.SeedAsync();

        var catalogue = await _store.LoadCatalogueAsync();

        catalogue.Prices.Count.ShouldBe(SeedCatalogue.Load().Count);
        var match = catalogue.Find("azure.ai.openai", "gpt-4o-2024-08-06", Utc(2026, 8, 1))!.Value;
        match.Price.Id.ShouldBe(await _database.ScalarAsync<int>("SELECT id FROM prices WHERE provider = 'openai' AND model = 'gpt-4o'"));
        match.Price.CheckedOn.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_custom_price_is_stored_normalised_audited_and_preferred_from_its_date()
    {
        await _store.SeedAsync();
        var from = Utc(2026, 12, 1);

        var stored = await _store.AddAsync(Make("OpenAI", " gpt-4o ", 5m, 20m, from, origin: PriceOrigins.Seed, cacheRead: 2m), "alice");
        var catalogue = await _store.LoadCatalogueAsync();

        (stored.Id > 0, stored.Provider, stored.Model, stored.Origin).ShouldBe((true, "openai", "gpt-4o", PriceOrigins.Custom));
        catalogue.Find("openai", "gpt-4o", from)!.Value.Price.Id.ShouldBe(stored.Id);
        catalogue.Find("openai", "gpt-4o", from.AddSeconds(-1))!.Value.Price.Origin.ShouldBe(PriceOrigins.Seed);
        var audit = await ReadAuditAsync();
        audit.ShouldHaveSingleItem();
        (audit[0].Actor, audit[0].Action, audit[0].Subject, audit[0].Before).ShouldBe(("alice", "prices.add", $"prices/{stored.Id}", null));
        JsonDocument.Parse(audit[0].After!).RootElement.GetProperty("inputPerMTok").GetDecimal().ShouldBe(5m);
    }

    [Fact]
    public async Task Adding_a_custom_price_again_for_the_same_date_replaces_it_and_audits_the_old_values()
    {
        var from = Utc(2026, 12, 1);
        var first = await _store.AddAsync(Make("acme", "house-model", 1m, 2m, from), "alice");

        var second = await _store.AddAsync(Make("acme", "house-model", 3m, 4m, from), "bob");

        second.Id.ShouldBe(first.Id);
        (await _database.ScalarAsync<decimal>("SELECT input_per_mtok FROM prices WHERE model = 'house-model'")).ShouldBe(3m);
        var audit = await ReadAuditAsync();
        audit.Select(a => a.Action).ShouldBe(["prices.add", "prices.update"]);
        JsonDocument.Parse(audit[1].Before!).RootElement.GetProperty("inputPerMTok").GetDecimal().ShouldBe(1m);
    }

    [Theory]
    [InlineData("enormous", 1, "tier \"enormous\"")]
    [InlineData("small", -1, "negative inputPerMTok")]
    public async Task An_invalid_custom_price_is_refused_and_nothing_is_written(string tier, int input, string expected)
    {
        var price = Make("acme", "m", input, 1m);
        price.Tier = tier;

        var error = await Should.ThrowAsync<ArgumentException>(() => _store.AddAsync(price, "alice"));

        error.Message.ShouldContain(expected);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM prices")).ShouldBe(0);
        (await _database.ScalarAsync<long>("SELECT count(*) FROM audit_log")).ShouldBe(0);
    }

    [Fact]
    public async Task A_model_pattern_is_stored_audited_listed_and_used_by_the_catalogue()
    {
        await _store.SeedAsync();

        var stored = await _store.AddPatternAsync(new ModelPattern("ft:gpt-4o-mini*", "OpenAI", "gpt-4o-mini", null), "alice");
        var listed = await _store.ListPatternsAsync();
        var catalogue = await _store.LoadCatalogueAsync();

        listed.ShouldHaveSingleItem().Id.ShouldBe(stored.Id);
        (listed[0].Pattern, listed[0].Provider, listed[0].TargetModel).ShouldBe(("ft:gpt-4o-mini*", "openai", "gpt-4o-mini"));
        var match = catalogue.Find("openai", "ft:gpt-4o-mini-2024-07-18:acme::x1", Utc(2026, 8, 1))!.Value;
        (match.CanonicalModel, match.Kind).ShouldBe(("gpt-4o-mini", MatchKind.Pattern));
        (await ReadAuditAsync()).ShouldHaveSingleItem().Action.ShouldBe("model_patterns.add");
    }

    [Fact]
    public async Task A_pattern_must_target_a_catalogue_model_and_must_not_match_everything()
    {
        await _store.SeedAsync();

        (await Should.ThrowAsync<ArgumentException>(() => _store.AddPatternAsync(new ModelPattern("corp-*", null, "no-such-model", null), "alice")))
            .Message.ShouldContain("no-such-model");
        await Should.ThrowAsync<ArgumentException>(() => _store.AddPatternAsync(new ModelPattern("**", null, "gpt-4o", null), "alice"));
        await _store.AddPatternAsync(new ModelPattern("corp-*", null, "gpt-4o", "openai"), "alice");
        await Should.ThrowAsync<InvalidOperationException>(() => _store.AddPatternAsync(new ModelPattern("CORP-*", null, "gpt-4o", null), "alice"));
        (await _store.ListPatternsAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Importing_inserts_new_prices_updates_changed_ones_and_leaves_identical_ones()
    {
        var date = Utc(2026, 11, 1);
        await _store.ImportAsync([Make("openai", "gpt-4o", 2.5m, 10m, date), Make("openai", "o3", 2m, 8m, date)], "alice");

        var summary = await _store.ImportAsync(
            [Make("openai", "gpt-4o", 2.5m, 10m, date), Make("openai", "o3", 1.5m, 6m, date), Make("xai", "grok-4.3", 1.25m, 2.5m, date)], "bob");

        summary.ShouldBe(new PriceImportSummary(Inserted: 1, Updated: 1, Unchanged: 1));
        (await _database.ScalarAsync<string>("SELECT string_agg(DISTINCT origin, ',') FROM prices")).ShouldBe(PriceOrigins.Import);
        (await _database.ScalarAsync<decimal>("SELECT input_per_mtok FROM prices WHERE model = 'o3'")).ShouldBe(1.5m);
        (await ReadAuditAsync()).Select(a => (a.Actor, a.Action)).ShouldBe([("alice", "prices.import"), ("bob", "prices.import")]);
    }

    private async Task<List<(string Actor, string Action, string Subject, string? Before, string? After)>> ReadAuditAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT actor, action, subject, before::text, after::text FROM audit_log ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string, string?, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }
}
