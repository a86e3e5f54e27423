using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Analytics.Spans;
using Tollgate.Ingest.Api.Spooling;
using Tollgate.Testing;

namespace Tollgate.Ingest.Api.Tests.Spooling;

[Collection(IngestCollection.Name)]
public sealed class SpoolReplayTests(IngestFixture fixture) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-spool-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_record_the_database_refuses_is_quarantined_and_the_records_around_it_are_stored()
    {
        var project = await fixture.App.Database.ScalarAsync<int>("SELECT min(id) FROM projects");
        var start = DateTime.UtcNow.AddMinutes(-1);
        // Trace numbers of their own, far from other tests'. A NUL in a name is what the
        // normaliser cleans; spooled as it is, PostgreSQL refuses it.
        var traces = Enumerable.Range(890_000, 5).ToList();
        var records = traces.Select(t =>
        {
            var span = TestSpans.Root(project, t, 1, "gateway", start);
            span.Name = t == 890_002 ? "bad\0name" : "good";
            return SpanRecordCodec.Encode([span]);
        }).ToList();
        using var spool = Spool.Open(_directory, 1024 * 1024, 64 * 1024, TimeProvider.System, NullLogger.Instance);
        spool.Append(records).ShouldBe(AppendResult.Appended);
        var replayer = new SpoolReplayer(spool, fixture.App.App.Services.GetRequiredService<SpanWriter>(), NullLogger<SpoolReplayer>.Instance);

        await replayer.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(spool.PendingRecords == 0), TimeSpan.FromMinutes(1), "The spool replayed past the refused record");
        await replayer.StopAsync(CancellationToken.None);

        foreach (var trace in traces)
        {
            var stored = await fixture.App.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM spans WHERE trace_id = '\\x{Convert.ToHexString(TestSpans.TraceId(trace))}'");
            stored.ShouldBe(trace == 890_002 ? 0 : 1);
        }

        spool.State.Quarantined.ShouldBe(1);
        var quarantined = Directory.GetFiles(Path.Combine(_directory, "quarantine"), "*.reason").ShouldHaveSingleItem();
        (await File.ReadAllTextAsync(quarantined)).ShouldContain("SQLSTATE 22");
    }
}
