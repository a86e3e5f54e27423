using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Pricing;
using Tollgate.Analytics.Storage.Entities;
using Tollgate.Ingest.Api.Keys;
using Tollgate.Ingest.Api.Spooling;

namespace Tollgate.Ingest.Api.Tests.Spooling;

/// <summary>The snapshot file is written when what it holds changes, not on every minute's reload.</summary>
public sealed class ReceiverSnapshotTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-snapshot-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly SteppingClock _clock = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static PriceCatalogue Catalogue(decimal inputPerMTok) => new(
        [new Price { Provider = "openai", Model = "gpt-4o", InputPerMTok = inputPerMTok, OutputPerMTok = 10m, Tier = "frontier", Origin = "seed" }],
        []);

    private static StoredGrant Grant(int keyId) => new([1, 2, 3, (byte)keyId], new IngestKeyGrant(keyId, 1, false, null), new Dictionary<string, string>());

    [Fact]
    public void A_reload_that_finds_the_same_prices_and_keys_leaves_the_file_alone_and_a_change_rewrites_it()
    {
        var snapshot = new ReceiverSnapshot(_directory, _clock, NullLogger<ReceiverSnapshot>.Instance);
        snapshot.Save(Catalogue(2.5m), [Grant(1)]).ShouldBeTrue("nothing was written yet");
        var first = File.ReadAllBytes(snapshot.Path);

        _clock.Advance(TimeSpan.FromMinutes(1));
        snapshot.Save(Catalogue(2.5m), [Grant(1)]).ShouldBeFalse("the same content a minute later");
        File.ReadAllBytes(snapshot.Path).ShouldBe(first);

        _clock.Advance(TimeSpan.FromMinutes(1));
        snapshot.Save(Catalogue(2.5m), [Grant(1), Grant(2)]).ShouldBeTrue("a key was added");
        snapshot.Find([1, 2, 3, 2]).ShouldNotBeNull();
        _clock.Advance(TimeSpan.FromMinutes(1));
        snapshot.Save(Catalogue(3m), [Grant(1), Grant(2)]).ShouldBeTrue("a price changed");
        File.ReadAllBytes(snapshot.Path).ShouldNotBe(first);

        // A snapshot read at start-up counts as written: the first reload with the same content skips it.
        var restarted = new ReceiverSnapshot(_directory, _clock, NullLogger<ReceiverSnapshot>.Instance);
        restarted.Load().ShouldNotBeNull();
        restarted.LoadedFrom.ShouldBe(_clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(1));
        restarted.Save(Catalogue(3m), [Grant(1), Grant(2)]).ShouldBeFalse();

        // A file removed from under the process is written again, whatever it last held.
        File.Delete(restarted.Path);
        restarted.Save(Catalogue(3m), [Grant(1), Grant(2)]).ShouldBeTrue();
        File.Exists(restarted.Path).ShouldBeTrue();
    }

    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
