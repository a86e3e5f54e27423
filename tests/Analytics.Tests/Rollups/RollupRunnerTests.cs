using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Analytics.Changes;
using Tollgate.Analytics.Rollups;
using static Tollgate.Analytics.Tests.Rollups.RollupFixture;

namespace Tollgate.Analytics.Tests.Rollups;

public sealed class RollupRunnerTests : IAsyncLifetime
{
    private RollupFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await RollupFixture.CreateAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task A_late_span_makes_the_runner_recompute_every_hour_of_its_trace_and_no_other()
    {
        await _fixture.WriteAllAsync();
        // A request five hours earlier that nothing touches afterwards.
        await _fixture.Writer.WriteAsync([Call(9, 1, parent: null, _fixture.Small, input: 10, output: 0, offsetSeconds: 0, hour: Hour.AddHours(-5))]);
        await _fixture.RollUpAsync();
        await AgeStoredSpansAsync();
        var watermark = new IngestWatermark(_fixture.DataSource);
        var (_, since) = await watermark.ReadAsync(_fixture.Rollups.Name, CancellationToken.None);

        // D's root started at 10:00; a retry of its call arrives late, started at 12:10.
        await _fixture.Writer.WriteAsync([Call(4, 9, parent: 1, _fixture.Small, input: 1000, output: 1000, offsetSeconds: 0, hour: Hour.AddHours(2).AddMinutes(10))]);

        // D's hours: 10:00 (its root and calls) and 12:00 (the retry); 11:00 holds none of its spans, 05:00 another trace.
        (await watermark.AffectedHoursAsync(since, CancellationToken.None)).Order().ShouldBe([Hour, Hour.AddHours(2)]);
        var result = await _fixture.RollUpAsync();
        result.Hours.ShouldBe(2);
    }

    [Fact]
    public async Task A_pass_that_fails_leaves_the_watermark_so_the_next_pass_recomputes_the_same_hours()
    {
        await _fixture.WriteAllAsync();
        await AgeStoredSpansAsync();
        var failing = new FailingOnce(_fixture.Rollups);
        var runner = new RollupRunner([failing], new IngestWatermark(_fixture.DataSource), new DataChangeNotices(_fixture.DataSource, NullLogger<DataChangeNotices>.Instance), NullLogger<RollupRunner>.Instance);

        await Should.ThrowAsync<InvalidOperationException>(() => runner.RunAsync(failing));
        var retried = await runner.RunAsync(failing);
        var after = await runner.RunAsync(failing);

        retried.Hours.ShouldBe(1);
        retried.RowsWritten.ShouldBeGreaterThan(0);
        after.Hours.ShouldBe(0);
        failing.Calls.ShouldBe([(Hour, Hour.AddHours(1)), (Hour, Hour.AddHours(1))]);
    }

    [Fact]
    public async Task A_pass_that_recomputed_hours_announces_it_and_a_pass_with_nothing_to_do_stays_silent()
    {
        await using var listener = await _fixture.DataSource.OpenConnectionAsync();
        var notices = new List<string>();
        listener.Notification += (_, notice) => notices.Add(notice.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {DataChangeNotices.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await _fixture.WriteAllAsync();
        (await _fixture.RollUpAsync()).Hours.ShouldBeGreaterThan(0);
        await DrainAsync(listener, notices);
        notices.ShouldBe([nameof(DataChange.Rollups)]);

        // Once the spans are behind the watermark, a pass has nothing to recompute and says nothing.
        await AgeStoredSpansAsync();
        await _fixture.RollUpAsync();
        await DrainAsync(listener, notices);
        notices.Clear();
        (await _fixture.RollUpAsync()).Hours.ShouldBe(0);
        await DrainAsync(listener, notices);
        notices.ShouldBeEmpty();
    }

    /// <summary>
    /// Sends a marker notice and reads until it arrives: notices are delivered in the order they
    /// were committed, so every one sent before the marker has then arrived. The marker is removed.
    /// </summary>
    private async Task DrainAsync(NpgsqlConnection listener, List<string> notices)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await using (var notify = _fixture.DataSource.CreateCommand($"SELECT pg_notify('{DataChangeNotices.Channel}', '{marker}')"))
        {
            await notify.ExecuteNonQueryAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!notices.Contains(marker))
        {
            await listener.WaitAsync(timeout.Token);
        }

        notices.Remove(marker);
    }

    /// <summary>
    /// Moves the stored spans' ingestion an hour back. A pass looks at spans ingested from a little
    /// before its watermark (<see cref="IngestWatermark.Overlap"/>, for writes that committed late);
    /// aged, they are behind every later pass, as spans written minutes ago would be in production.
    /// </summary>
    private Task AgeStoredSpansAsync() => _fixture.Database.ExecuteAsync("UPDATE spans SET ingested_at = ingested_at - interval '1 hour'");

    /// <summary>The span rollup, whose first call fails before writing anything, as a pass killed half-way would.</summary>
    private sealed class FailingOnce(IHourlyRollup inner) : IHourlyRollup
    {
        public List<(DateTime From, DateTime To)> Calls { get; } = [];

        public string Name => inner.Name;

        public Task<long> RecomputeAsync(DateTime fromHour, DateTime toHour, CancellationToken cancellationToken)
        {
            Calls.Add((fromHour, toHour));
            return Calls.Count == 1
                ? throw new InvalidOperationException("the pass died")
                : inner.RecomputeAsync(fromHour, toHour, cancellationToken);
        }
    }
}
