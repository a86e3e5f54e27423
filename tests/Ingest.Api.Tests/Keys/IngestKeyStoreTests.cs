using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tollgate.Analytics.AttributionRules;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Keys;

public sealed class IngestKeyStoreTests
{
    [Fact]
    public async Task While_the_database_is_away_a_known_key_keeps_its_grant_and_an_unknown_one_is_refused_as_unavailable()
    {
        await using var app = await RunningApp.StartAsync(a => IngestApp.BuildAsync(a));
        var clock = new ShiftedClock(DateTime.UtcNow);
        var dataSource = app.App.Services.GetRequiredService<NpgsqlDataSource>();
        var keys = new IngestKeyStore(dataSource, new AttributionRuleStore(dataSource), clock);
        var grant = (await keys.FindAsync(RunningApp.IngestKey, CancellationToken.None)).ShouldNotBeNull();

        await app.Database.SetConnectionsAllowedAsync(allowed: false);
        try
        {
            // Well past the cache's life: the answer can only come from the last one the database gave.
            clock.Advance(IngestKeyStore.CacheFor * 4);

            (await keys.FindAsync(RunningApp.IngestKey, CancellationToken.None)).ShouldBe(grant);
            await Should.ThrowAsync<KeyStoreUnavailableException>(() => keys.FindAsync("tg_ingest_never_seen_before_000000", CancellationToken.None));
        }
        finally
        {
            await app.Database.SetConnectionsAllowedAsync(allowed: true);
        }
    }
}
